/**
 * The worker side of read-thread-dialect.ts: a read-only connection to the service's SQLite file that runs each
 * request's statement and answers its rows, or the error's message and code. Statements stay prepared by SQL text
 * (statement-cache.ts).
 */
import type { MessagePort } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { statementCache } from './statement-cache.js';

export interface ReadRequest {
  id: number;
  sql: string;
  parameters: readonly unknown[];
}

export type ReadAnswer = { id: number; rows: unknown[] } | { id: number; error: { message: string; code?: string } };

export function serveReads(port: MessagePort, file: string): void {
  const sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  sqlite.exec('PRAGMA busy_timeout = 5000');
  sqlite.exec('PRAGMA cache_size = -32768');
  const { prepare } = statementCache(sqlite);
  port.on('message', ({ id, sql, parameters }: ReadRequest) => {
    try {
      const statement = prepare(sql);
      if (!statement.reader) throw new Error('only statements that return rows run on the read thread');
      // Binary parameters cross the thread as plain Uint8Arrays; SQLite binds Buffers.
      const bound = parameters.map((value) => (value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value) : value));
      port.postMessage({ id, rows: statement.all(bound) } satisfies ReadAnswer);
    } catch (error) {
      const { message, code } = error as Error & { code?: string };
      port.postMessage({ id, error: { message, ...(code ? { code } : {}) } } satisfies ReadAnswer);
    }
  });
}
