import { sql } from 'kysely';
import type { Store } from './database.js';

/**
 * SQLite checkpoints its write-ahead log into the database file (with an fsync) every 1000 pages by default.
 * A bulk write of tens of megabytes (a full directory sync) would checkpoint dozens of times, copying the same
 * hot pages again each time; measured on 100,000 accounts that was over a second. While `work` runs, automatic
 * checkpoints wait for 64 MB of log instead; afterwards the previous setting is back and the next commit (or
 * closing the store) checkpoints what is left. Durability is unchanged: commits are in the log either way.
 * PostgreSQL: runs `work` as it is.
 */
const BULK_CHECKPOINT_PAGES = 16_384;

export async function withBulkWrites<T>(store: Pick<Store, 'db' | 'dialect'>, work: () => Promise<T>): Promise<T> {
  if (store.dialect !== 'sqlite') return work();
  const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db);
  const previous = Number(rows[0]?.wal_autocheckpoint ?? 1000);
  if (previous <= 0 || previous >= BULK_CHECKPOINT_PAGES) return work();
  await sql`pragma wal_autocheckpoint = ${sql.lit(BULK_CHECKPOINT_PAGES)}`.execute(store.db);
  try {
    return await work();
  } finally {
    await sql`pragma wal_autocheckpoint = ${sql.lit(previous)}`.execute(store.db);
  }
}
