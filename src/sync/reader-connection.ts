import type { Client } from 'ldapts';
import { closeQuietly } from '../directory/ldap-common/ldap-pool.js';

/**
 * The one service connection of a directory reader: opened and bound on first use, reused across reads, closed by
 * `close`. A failed bind closes the opened client and throws; the next use tries again.
 */
export function readerConnection(open: () => Promise<Client>, bindName: string, bindPassword: string): { get(): Promise<Client>; close(): Promise<void> } {
  let client: Client | null = null;
  return {
    async get() {
      if (client) return client;
      const opened = await open();
      try {
        await opened.bind(bindName, bindPassword);
      } catch (error) {
        await closeQuietly(opened);
        throw error;
      }
      return (client = opened);
    },
    async close() {
      await closeQuietly(client ?? undefined);
      client = null;
    },
  };
}
