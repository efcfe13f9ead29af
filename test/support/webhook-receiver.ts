/**
 * A real Standard Webhooks receiver for tests: an HTTP server on 127.0.0.1 that verifies `webhook-signature`
 * (v1, HMAC-SHA256 of "id.timestamp.body" with the whsec_ key) and `webhook-timestamp` (within 5 minutes),
 * answers 204 to a valid delivery and 401 to a forged one, and records what it accepted. It can be stopped and
 * started again on the same port (a receiver that dies mid-stream).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface WebhookDelivery {
  id: string;
  timestamp: number;
  body: { type: string; timestamp: string; data: { id: number; event: string; [key: string]: unknown } };
}

export interface WebhookReceiver {
  url: string;
  port: number;
  accepted: WebhookDelivery[];
  rejected: number;
  /** Answer this status instead of 204 (after verifying), e.g. 503 to make the sender retry. */
  failWith: number | null;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export function verifyStandardWebhook(secret: string, headers: Record<string, string | string[] | undefined>, body: string, now = Date.now()): boolean {
  const id = String(headers['webhook-id'] ?? '');
  const timestamp = String(headers['webhook-timestamp'] ?? '');
  const signatures = String(headers['webhook-signature'] ?? '').split(' ');
  if (!id || !/^\d+$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.some((entry) => {
    const [version, signature = ''] = entry.split(',');
    const given = Buffer.from(signature, 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  let port = 0;
  const receiver: WebhookReceiver = {
    url: '',
    port: 0,
    accepted: [],
    rejected: 0,
    failWith: null,
    async start() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (!verifyStandardWebhook(secret, req.headers, body)) {
            receiver.rejected += 1;
            res.writeHead(401).end();
            return;
          }
          if (receiver.failWith !== null) {
            res.writeHead(receiver.failWith).end();
            return;
          }
          receiver.accepted.push({ id: String(req.headers['webhook-id']), timestamp: Number(req.headers['webhook-timestamp']), body: JSON.parse(body) as WebhookDelivery['body'] });
          res.writeHead(204).end();
        });
      });
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      receiver.port = port;
      receiver.url = `http://127.0.0.1:${port}/hook`;
    },
    async stop() {
      const closing = server;
      server = null;
      if (!closing) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
  await receiver.start();
  return receiver;
}
