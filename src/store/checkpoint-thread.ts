/**
 * The worker side of background-checkpoints.ts: a connection of its own to the store's SQLite file that copies the
 * write-ahead log into the database file (a PASSIVE checkpoint: it waits for no reader or writer) whenever asked,
 * and answers how many log frames there were and how many are copied.
 */
import type { MessagePort } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

export interface CheckpointAnswer {
  /** Frames in the log, and frames copied into the database file (both -1 when the store is not in WAL mode). */
  log: number;
  checkpointed: number;
}

export function serveCheckpoints(port: MessagePort, file: string): void {
  const sqlite = new BetterSqlite3(file, { fileMustExist: true });
  // As the serving connection: the database file is synced once per checkpoint, not per page.
  sqlite.exec('PRAGMA synchronous = NORMAL');
  port.on('message', () => {
    const [row] = sqlite.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    port.postMessage({ log: row?.log ?? -1, checkpointed: row?.checkpointed ?? -1 } satisfies CheckpointAnswer);
  });
  port.once('close', () => sqlite.close());
}
