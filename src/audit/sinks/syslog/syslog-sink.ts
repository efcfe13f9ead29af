import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { AuditSink, AuditSinkModule, SinkContext } from '../audit-sink.js';
import { octetCounted, syslogMessage, type FrameOptions } from './syslog-frame.js';
import type { SyslogSection } from './syslog-section.js';

const defaultPorts = { udp: 514, tcp: 514, tls: 6514 } as const;

/** Rejects when `signal` aborts, with the abort reason. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * One stream connection (TCP or TLS), opened on first use and again after it breaks. A write counts as handed
 * over when the socket has accepted it (`write` callback): syslog over TCP has no application acknowledgement,
 * so a message in flight when the connection drops may be lost or, after the retry, arrive twice.
 */
class StreamConnection {
  private socket: Socket | null = null;
  private opening: Promise<Socket> | null = null;

  constructor(private readonly open: () => Socket, private readonly secure: boolean) {}

  private connected(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    this.opening ??= new Promise<Socket>((resolve, reject) => {
      const socket = this.open();
      const fail = (error: Error) => {
        socket.destroy();
        reject(error);
      };
      socket.once('error', fail);
      socket.once(this.secure ? 'secureConnect' : 'connect', () => {
        socket.off('error', fail);
        // A later error or close only drops the connection; the next write opens a new one.
        socket.on('error', () => socket.destroy());
        socket.once('close', () => {
          if (this.socket === socket) this.socket = null;
        });
        // The collector sends nothing back (RFC 6587, RFC 5425); anything it does send is read and dropped.
        socket.resume();
        this.socket = socket;
        resolve(socket);
      });
    }).finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  async write(frame: Buffer, signal: AbortSignal): Promise<void> {
    const socket = await abortable(this.connected(), signal);
    try {
      await abortable(new Promise<void>((resolve, reject) => socket.write(frame, (error) => (error ? reject(error) : resolve()))), signal);
    } catch (error) {
      socket.destroy();
      throw error;
    }
  }

  close(): void {
    this.socket?.end();
    this.socket = null;
  }
}

function syslogSink(section: SyslogSection, context: SinkContext): AuditSink {
  const port = section.port ?? defaultPorts[section.transport];
  const frame: FrameOptions = {
    facility: section.facility,
    hostname: section.hostname ?? context.hostname,
    appName: section.appName,
    procId: String(process.pid),
    sdId: section.structuredData ? section.sdId : null,
  };
  const base = { id: section.id, kind: 'syslog' };

  if (section.transport === 'udp') {
    const socket = createSocket(section.host.includes(':') ? 'udp6' : 'udp4');
    socket.on('error', (error) => context.log.warn({ sink: section.id, err: error }, 'syslog socket error'));
    socket.unref();
    return {
      ...base,
      // One message per datagram (RFC 5426 §3.1); UDP confirms nothing, so "sent" is all this can promise.
      deliver: (event, signal) => abortable(new Promise<void>((resolve, reject) => {
        socket.send(Buffer.from(syslogMessage(event, frame), 'utf8'), port, section.host, (error) => (error ? reject(error) : resolve()));
      }), signal),
      close: async () => {
        socket.close();
      },
    };
  }

  const tls = section.transport === 'tls';
  const files = tls
    ? {
        ca: section.caFile ? readFileSync(section.caFile) : undefined,
        cert: section.certFile ? readFileSync(section.certFile) : undefined,
        key: section.keyFile ? readFileSync(section.keyFile) : undefined,
      }
    : {};
  const connection = new StreamConnection(
    () => tls
      ? tlsConnect({ host: section.host, port, servername: section.servername ?? section.host, minVersion: 'TLSv1.2', ...files })
      : tcpConnect({ host: section.host, port }),
    tls,
  );
  return {
    ...base,
    deliver: (event, signal) => connection.write(octetCounted(syslogMessage(event, frame)), signal),
    close: async () => connection.close(),
  };
}

export const syslogSinkModule: AuditSinkModule<SyslogSection> = { create: syslogSink, secretKeys: [] };
