/**
 * A real syslog collector for tests: UDP (RFC 5426, one message per datagram), TCP with octet counting
 * (RFC 6587 §3.4.1) or TLS (RFC 5425, a self-signed certificate made with openssl), on 127.0.0.1 and a free port.
 * Every message is parsed strictly as RFC 5424; a frame that does not parse is kept in `errors`.
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';

export interface SyslogMessage {
  facility: number;
  severity: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  /** Structured data: SD-ID → params, or null for NILVALUE. */
  structuredData: Record<string, Record<string, string>> | null;
  msg: string;
}

const NIL = '-';

/** Parses one RFC 5424 SYSLOG-MSG or throws with what is wrong. */
export function parseRfc5424(text: string): SyslogMessage {
  const head = /^<(\d{1,3})>(\d{1,2}) (\S+) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) /.exec(text);
  if (!head) throw new Error(`not an RFC 5424 header: ${JSON.stringify(text.slice(0, 120))}`);
  const [whole, pri = '', version = '', timestamp = '', hostname = '', appName = '', procId = '', msgId = ''] = head;
  if (Number(pri) > 191) throw new Error(`PRI out of range: ${pri}`);
  if (version !== '1') throw new Error(`VERSION is ${version}`);
  if (timestamp !== NIL && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/.test(timestamp)) throw new Error(`bad TIMESTAMP ${timestamp}`);
  for (const field of [hostname, appName, procId, msgId]) if (!/^[\x21-\x7e]+$/.test(field)) throw new Error(`non-printable header field ${field}`);
  let rest = text.slice(whole.length);
  let structuredData: SyslogMessage['structuredData'] = null;
  if (rest.startsWith(NIL)) {
    rest = rest.slice(1);
  } else {
    structuredData = {};
    while (rest.startsWith('[')) {
      const id = /^\[([^\s=\]"]{1,32})/.exec(rest);
      if (!id) throw new Error(`bad SD-ID in ${rest.slice(0, 60)}`);
      let at = id[0].length;
      const params: Record<string, string> = {};
      while (rest[at] === ' ') {
        const name = /^ ([^\s=\]"]{1,32})="/.exec(rest.slice(at));
        if (!name) throw new Error(`bad SD-PARAM at ${rest.slice(at, at + 40)}`);
        at += name[0].length;
        let value = '';
        for (;;) {
          const c = rest[at];
          if (c === undefined) throw new Error('unterminated PARAM-VALUE');
          if (c === '\\' && ['"', '\\', ']'].includes(rest[at + 1] ?? '')) {
            value += rest[at + 1];
            at += 2;
          } else if (c === '"') {
            at += 1;
            break;
          } else if (c === '"' || c === ']') {
            throw new Error('unescaped character in PARAM-VALUE');
          } else {
            value += c;
            at += 1;
          }
        }
        params[name[1] as string] = value;
      }
      if (rest[at] !== ']') throw new Error('SD-ELEMENT not closed');
      structuredData[id[1] as string] = params;
      rest = rest.slice(at + 1);
    }
    if (Object.keys(structuredData).length === 0) throw new Error('STRUCTURED-DATA is neither - nor an element');
  }
  if (rest !== '' && !rest.startsWith(' ')) throw new Error('no SP before MSG');
  let msg = rest.slice(1);
  if (msg.startsWith('\ufeff')) msg = msg.slice(1);
  const priority = Number(pri);
  return { facility: Math.floor(priority / 8), severity: priority % 8, version: 1, timestamp, hostname, appName, procId, msgId, structuredData, msg };
}

export interface SyslogReceiver {
  transport: 'udp' | 'tcp' | 'tls';
  port: number;
  messages: SyslogMessage[];
  errors: string[];
  /** TLS: the PEM file of the receiver's (self-signed) certificate, for the sender's `caFile`. */
  caFile?: string;
  /** Resolves once at least `count` messages arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<SyslogMessage[]>;
  close(): Promise<void>;
}

/** Splits octet-counted frames out of a stream: `MSG-LEN SP SYSLOG-MSG`, repeated. */
function octetCountingParser(onMessage: (text: string) => void, onError: (error: string) => void): (chunk: Buffer) => void {
  let buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const space = buffer.indexOf(0x20);
      if (space === -1) return;
      const lengthText = buffer.subarray(0, space).toString('ascii');
      if (!/^[1-9]\d{0,8}$/.test(lengthText)) {
        onError(`bad MSG-LEN ${JSON.stringify(lengthText)}`);
        buffer = Buffer.alloc(0);
        return;
      }
      const length = Number(lengthText);
      if (buffer.length < space + 1 + length) return;
      onMessage(buffer.subarray(space + 1, space + 1 + length).toString('utf8'));
      buffer = buffer.subarray(space + 1 + length);
    }
  };
}

function selfSignedCertificate(): { dir: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sspr-syslog-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  return { dir, cert, key };
}

export async function startSyslogReceiver(transport: 'udp' | 'tcp' | 'tls', port = 0): Promise<SyslogReceiver> {
  const messages: SyslogMessage[] = [];
  const errors: string[] = [];
  const waiters: Array<() => void> = [];
  const accept = (text: string) => {
    try {
      messages.push(parseRfc5424(text));
    } catch (error) {
      errors.push((error as Error).message);
    }
    for (const wake of waiters.splice(0)) wake();
  };
  const waitFor = async (count: number, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (messages.length < count) {
      if (Date.now() > deadline) throw new Error(`${messages.length} of ${count} syslog messages within ${timeoutMs} ms (errors: ${errors.join('; ')})`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return messages;
  };

  if (transport === 'udp') {
    const socket = createSocket('udp4');
    socket.on('message', (datagram) => accept(datagram.toString('utf8')));
    await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
    return { transport, port: socket.address().port, messages, errors, waitFor, close: () => new Promise((resolve) => socket.close(() => resolve())) };
  }

  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', octetCountingParser(accept, (error) => errors.push(error)));
  };
  let server: Server;
  let certificate: ReturnType<typeof selfSignedCertificate> | null = null;
  if (transport === 'tls') {
    certificate = selfSignedCertificate();
    server = createTlsServer({ cert: readFileSync(certificate.cert), key: readFileSync(certificate.key), minVersion: 'TLSv1.2' }, onConnection);
  } else {
    server = createTcpServer(onConnection);
  }
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    transport,
    port: (server.address() as AddressInfo).port,
    messages,
    errors,
    caFile: certificate?.cert,
    waitFor,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          if (certificate) rmSync(certificate.dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
