/**
 * Encrypted LDAP connections (LDAPS, or ldap:// upgraded with StartTLS, RFC 4513 §3) and a small pool of them
 * bound once as the service account and reused across operations.
 *
 * Safety contract: a pooled connection is never silently re-opened. ldapts transparently reconnects a dropped
 * socket on the next operation, unauthenticated and — for StartTLS — unencrypted; each Client here may open
 * exactly one socket, so such an operation fails as a connection error and the pool replaces the client with a
 * freshly encrypted, freshly bound one.
 */
import { readFileSync } from 'node:fs';
import { isIP, Socket, connect as netConnect } from 'node:net';
import { TLSSocket, connect as tlsConnect, createSecureContext, type ConnectionOptions, type SecureContext } from 'node:tls';
import { Client, ResultCodeError } from 'ldapts';

export interface LdapConnectionOptions {
  /** ldaps://host:port, or ldap://host:port together with `startTls: true`. */
  url: string;
  startTls: boolean;
  /** PEM file with the CA certificate(s) to trust instead of the system store. */
  caFile?: string | undefined;
  /**
   * The name the server certificate must carry when the URL names the host differently or by IP address
   * (sent as SNI and checked against the certificate); the URL's host name otherwise.
   */
  tlsServerName?: string | undefined;
  /** Per-operation and connect timeout. */
  timeoutMs: number;
}

/** A pool of connections that are not bound as the service account: every use binds as someone first. */
export interface LdapBindPoolOptions extends LdapConnectionOptions {
  /** Most connections open at once (default 4). */
  size?: number;
}

export interface LdapPoolOptions extends LdapBindPoolOptions {
  bindDn: string;
  bindPassword: string;
}

/** True when the options give an encrypted channel (LDAPS or StartTLS). */
export function isEncrypted(options: Pick<LdapConnectionOptions, 'url' | 'startTls'>): boolean {
  return options.url.toLowerCase().startsWith('ldaps://') || options.startTls;
}

/**
 * One SecureContext per trust anchor (CA file, or the system store), built on first use: building one parses
 * every trusted certificate, which costs more than the rest of a handshake. A changed CA file takes a restart.
 */
const secureContexts = new Map<string, SecureContext>();
function secureContextFor(caFile: string | undefined): SecureContext {
  const key = caFile ?? '';
  let context = secureContexts.get(key);
  if (!context) {
    context = createSecureContext({ minVersion: 'TLSv1.2', ...(caFile ? { ca: readFileSync(caFile) } : {}) });
    secureContexts.set(key, context);
  }
  return context;
}

/**
 * The last TLS session per server (URL and expected name), offered for resumption on the next LDAPS connection
 * (RFC 8446 §2.2). A resumed session is bound to the certificate that was verified when it was made; a session
 * the server refuses costs only a full handshake.
 */
const tlsSessions = new Map<string, Buffer>();
function sessionKey(options: LdapConnectionOptions): string {
  return `${options.url}\n${options.tlsServerName ?? ''}\n${options.caFile ?? ''}`;
}

/**
 * TLS options for LDAPS or StartTLS only: ldapts speaks TLS even to ldap:// whenever tlsOptions are given.
 * The server name is checked against `tlsServerName`, else the URL's host (certificate SAN, RFC 6125).
 */
export function tlsOptionsFor(options: LdapConnectionOptions): ConnectionOptions {
  const host = new URL(options.url).hostname.replace(/^\[|\]$/g, '');
  const tls: ConnectionOptions = { host, minVersion: 'TLSv1.2', rejectUnauthorized: true, secureContext: secureContextFor(options.caFile) };
  if (options.tlsServerName !== undefined) tls.servername = options.tlsServerName;
  else if (isIP(host) === 0) tls.servername = host;
  return tls;
}

/**
 * Whether the client's one socket is still open. ldapts' own `isConnected` misses the close of a StartTLS-upgraded
 * socket (it listens for 'close' on the plain socket only), so the pool asks this instead.
 */
const socketAlive = new WeakMap<Client, () => boolean>();
function socketOpen(client: Client): boolean {
  return socketAlive.get(client)?.() ?? false;
}

/** Bound and its socket open: safe to hand out (no implicit reconnect can follow). */
export function isUsable(client: Client): boolean {
  return client.isBound && socketOpen(client);
}

/** Unbinds when the socket is still open; never throws, never waits on a dead socket. */
export async function closeQuietly(client: Client | undefined): Promise<void> {
  if (client && socketOpen(client)) await client.unbind().catch(() => undefined);
}

/** A socket that fails at once: what a client gets when it tries to re-open its one connection. */
function refusedSocket<T extends Socket>(socket: T): T {
  process.nextTick(() => socket.destroy(new Error('LDAP connection was lost; not reconnecting implicitly')));
  return socket;
}

/**
 * An encrypted, not yet bound client. StartTLS happens here (throws when it fails); LDAPS connects lazily on the
 * first operation, whose failure then surfaces as a connection error.
 */
export async function openConnection(options: LdapConnectionOptions): Promise<Client> {
  const ldaps = options.url.toLowerCase().startsWith('ldaps://');
  if (!ldaps && !options.startTls) throw new Error('refusing an unencrypted LDAP connection: use ldaps:// or StartTLS');
  const tls = tlsOptionsFor(options);
  const resumption = sessionKey(options);
  let opened = false;
  let socketClosed = false;
  const track = <T extends Socket>(socket: T): T => {
    socket.once('close', () => (socketClosed = true));
    return socket;
  };
  const client = new Client({
    url: options.url,
    timeout: options.timeoutMs,
    connectTimeout: options.timeoutMs,
    ...(ldaps
      ? {
          tlsOptions: tls,
          createSecureConnection: ((port: number, host: string, tlsOptions: ConnectionOptions) => {
            if (opened) return refusedSocket(new TLSSocket(new Socket()));
            opened = true;
            const session = tlsSessions.get(resumption);
            const socket = tlsConnect(port, host, session ? { ...tlsOptions, session } : tlsOptions);
            socket.on('session', (ticket: Buffer) => tlsSessions.set(resumption, ticket));
            return track(socket);
          }) as typeof tlsConnect,
        }
      : {
          createConnection: ((port: number, host: string) => {
            if (opened) return refusedSocket(new Socket());
            opened = true;
            return track(netConnect(port, host));
          }) as typeof netConnect,
        }),
  });
  socketAlive.set(client, () => opened && !socketClosed);
  if (!ldaps) {
    try {
      await client.startTLS(tls);
    } catch (error) {
      await closeQuietly(client);
      throw error;
    }
  }
  return client;
}

/** Connection-level failure (socket, TLS, timeout), as opposed to an LDAP result code. */
export function isConnectionError(error: unknown): boolean {
  return !(error instanceof ResultCodeError);
}

/**
 * At most `size` encrypted connections, handed out one operation at a time. What a connection is bound as is up to
 * the subclass: {@link LdapPool} binds each once as the service account, {@link LdapBindPool} binds before every use.
 */
abstract class ConnectionPool {
  private readonly idle: Client[] = [];
  private readonly waiters: Array<() => void> = [];
  private open = 0;
  private closed = false;

  constructor(protected readonly options: LdapBindPoolOptions) {}

  async close(): Promise<void> {
    this.closed = true;
    const clients = this.idle.splice(0);
    this.open -= clients.length;
    await Promise.all(clients.map(closeQuietly));
  }

  /** A new connection, ready for {@link usable}. */
  protected abstract connect(): Promise<Client>;

  /** Whether an idle connection may be handed out again (checked synchronously right before use). */
  protected abstract usable(client: Client): boolean;

  /** Runs `work` on a connection; a connection-level failure discards that connection (the next use reconnects). */
  protected async run<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.acquire();
    let healthy = true;
    try {
      return await work(client);
    } catch (error) {
      healthy = !isConnectionError(error);
      throw error;
    } finally {
      this.release(client, healthy);
    }
  }

  private async acquire(): Promise<Client> {
    for (;;) {
      if (this.closed) throw new Error('LDAP pool is closed');
      const client = this.idle.pop();
      if (client) {
        if (this.usable(client)) return client;
        this.discard(client);
        continue;
      }
      if (this.open < (this.options.size ?? 4)) {
        this.open += 1;
        try {
          return await this.connect();
        } catch (error) {
          this.open -= 1;
          this.wakeOne();
          throw error;
        }
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private release(client: Client, healthy: boolean): void {
    if (healthy && !this.closed && this.usable(client)) this.idle.push(client);
    else this.discard(client);
    this.wakeOne();
  }

  private discard(client: Client): void {
    this.open -= 1;
    void closeQuietly(client);
  }

  private wakeOne(): void {
    this.waiters.shift()?.();
  }
}

/** A few service-account connections, bound once each and handed out one operation at a time. */
export class LdapPool extends ConnectionPool {
  constructor(private readonly poolOptions: LdapPoolOptions) {
    super(poolOptions);
  }

  /** Runs `work` on a bound connection; a connection-level failure discards that connection (the next use reconnects). */
  use<T>(work: (client: Client) => Promise<T>): Promise<T> {
    return this.run(work);
  }

  protected async connect(): Promise<Client> {
    const fresh = await openConnection(this.options);
    await fresh.bind(this.poolOptions.bindDn, this.poolOptions.bindPassword).catch(async (error: unknown) => {
      await closeQuietly(fresh);
      throw error;
    });
    return fresh;
  }

  /** A dropped socket shows here as not bound. */
  protected usable(client: Client): boolean {
    return isUsable(client);
  }
}

/**
 * Encrypted connections for binds as users (a change by the user, a password check), reused so that a user bind
 * costs one round trip instead of a TCP and TLS handshake. Safety contract: the only way in is {@link bindAs}, which
 * binds as the given identity before `work` runs, so whatever a previous use left on the connection — another user,
 * or anonymous after a failed bind (RFC 4511 §4.2.1) — is never seen; the pool never holds service credentials.
 */
export class LdapBindPool extends ConnectionPool {
  /** Binds as `dn` (a refusal is thrown as ldapts' ResultCodeError and keeps the connection), then runs `work`. */
  bindAs<T>(dn: string, password: string, work: (client: Client) => Promise<T>): Promise<T> {
    return this.run(async (client) => {
      await client.bind(dn, password);
      return work(client);
    });
  }

  protected connect(): Promise<Client> {
    return openConnection(this.options);
  }

  protected usable(client: Client): boolean {
    return socketOpen(client);
  }
}
