import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { HttpsProxyAgent } from 'https-proxy-agent';

/**
 * How the agent reaches the service: directly, or through the proxy named by HTTPS_PROXY / https_proxy
 * (HTTP_PROXY for http:// servers) unless NO_PROXY lists the host. The CA file, when configured, is the only
 * trust anchor for the service's certificate.
 */
export interface ServerTransport {
  agent: http.Agent | undefined;
  ca: Buffer | undefined;
}

export function transportFor(serverUrl: string, caFile: string | undefined, env: NodeJS.ProcessEnv = process.env): ServerTransport {
  const url = new URL(serverUrl);
  const ca = caFile ? readFileSync(caFile) : undefined;
  const proxy = url.protocol === 'https:' ? env.HTTPS_PROXY ?? env.https_proxy : env.HTTP_PROXY ?? env.http_proxy;
  if (!proxy || bypassesProxy(url.hostname, env.NO_PROXY ?? env.no_proxy ?? '')) return { agent: undefined, ca };
  return { agent: new HttpsProxyAgent(proxy, ca ? { ca } : {}), ca };
}

function bypassesProxy(host: string, noProxy: string): boolean {
  return noProxy
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .some((entry) => entry === '*' || host === entry || host.endsWith(entry.startsWith('.') ? entry : `.${entry}`));
}

/** POSTs JSON and returns the status and parsed body; network errors reject with a readable message. */
export function postJson(serverUrl: string, path: string, body: unknown, transport: ServerTransport): Promise<{ status: number; body: unknown }> {
  const url = new URL(path, serverUrl);
  const data = JSON.stringify(body);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: transport.agent, ca: transport.ca, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: text });
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', (error) => reject(new Error(`cannot reach ${url.origin}: ${error.message}`)));
    req.end(data);
  });
}
