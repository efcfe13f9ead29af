import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import { serviceBindName, type AdConfig } from './ad-config.js';

/**
 * Opening encrypted connections to the DC, and a small pool of bound service connections.
 * Private to the AD connector (the shared ldap-common pool did not exist when this was written).
 *
 * Contract: every Client returned here is encrypted — LDAPS, or ldap:// upgraded with StartTLS before any
 * bind. ldapts speaks TLS whenever tlsOptions are given, so tlsOptions go to the constructor only for
 * ldaps:// and to startTLS() otherwise.
 */
export function tlsOptionsFor(config: AdConfig): ConnectionOptions {
  const host = new URL(config.url).hostname.replace(/^\[|\]$/g, '');
  return {
    ca: config.caFile !== undefined ? readFileSync(config.caFile) : undefined,
    // The certificate is checked against tlsServerName, else the URL's host name (SNI is not sent for IPs).
    servername: config.tlsServerName ?? (/^[\d.]+$|:/.test(host) ? undefined : host),
    minVersion: 'TLSv1.2',
  };
}

/** A new, connected, encrypted, unbound client. */
export async function openEncryptedClient(config: AdConfig, tls: ConnectionOptions): Promise<Client> {
  const ldaps = config.url.toLowerCase().startsWith('ldaps://');
  const client = new Client({
    url: config.url,
    timeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    ...(ldaps ? { tlsOptions: tls } : {}),
  });
  if (!ldaps) {
    try {
      await client.startTLS(tls);
    } catch (error) {
      await client.unbind().catch(() => undefined);
      throw error;
    }
  }
  return client;
}

/** Runs `work` on a fresh encrypted client bound as `name`, and always closes it. */
export async function withBoundClient<T>(
  config: AdConfig,
  tls: ConnectionOptions,
  name: string,
  password: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = await openEncryptedClient(config, tls);
  try {
    await client.bind(name, password);
    return await work(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/**
 * Up to `poolSize` service connections, bound once and reused round-robin (ldapts multiplexes concurrent
 * operations on one connection by message id). A connection that fails at the transport level is dropped and
 * replaced on next use; LDAP result errors (policy refusals etc.) leave it in the pool.
 */
export class ServiceConnectionPool {
  private readonly slots: (Promise<Client> | undefined)[];
  private next = 0;
  private closed = false;

  constructor(
    private readonly config: AdConfig,
    private readonly tls: ConnectionOptions,
  ) {
    this.slots = new Array<Promise<Client> | undefined>(config.poolSize).fill(undefined);
  }

  async use<T>(work: (client: Client) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('AD connection pool is closed');
    const slot = this.next;
    this.next = (this.next + 1) % this.slots.length;
    const client = await this.clientFor(slot);
    try {
      return await work(client);
    } catch (error) {
      if (!client.isConnected) this.drop(slot, client);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const clients = this.slots.splice(0);
    await Promise.all(clients.map(async (pending) => (await pending?.catch(() => undefined))?.unbind().catch(() => undefined)));
  }

  private clientFor(slot: number): Promise<Client> {
    const existing = this.slots[slot];
    if (existing !== undefined) return existing;
    const opening = this.openBound();
    this.slots[slot] = opening;
    opening.catch(() => {
      if (this.slots[slot] === opening) this.slots[slot] = undefined;
    });
    return opening;
  }

  private async openBound(): Promise<Client> {
    const client = await openEncryptedClient(this.config, this.tls);
    try {
      await client.bind(serviceBindName(this.config), this.config.bindPassword);
    } catch (error) {
      await client.unbind().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private drop(slot: number, client: Client): void {
    this.slots[slot] = undefined;
    void client.unbind().catch(() => undefined);
  }
}
