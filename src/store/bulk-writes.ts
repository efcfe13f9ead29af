import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './database.js';
import { BackgroundCheckpoints } from './background-checkpoints.js';
import { systemClock, type Clock } from './clock.js';

/**
 * Store settings for a bulk write (a full directory sync) on SQLite; PostgreSQL runs `work` as it is.
 *
 * Checkpoints: SQLite copies its write-ahead log into the database file every 1000 pages by default, inside the
 * commit that crosses the mark, on the writing thread. A bulk write of tens of megabytes checkpointed dozens of
 * times, copying the same hot pages again each time (measured on 100,000 accounts: over a second), and with a
 * larger mark each checkpoint held the event loop for up to 600 ms. While `work` runs, automatic checkpoints are
 * off and a worker thread checkpoints instead (background-checkpoints.ts), the last time once `work` is done;
 * then the previous setting is back. Without a worker the settings stay as they are. Durability is unchanged:
 * commits are in the log either way.
 *
 * Page cache: an exclusive run keeps `BULK_CACHE_KIB` of pages instead of the store's 32 MB. Its writes land at the
 * ends of the tables and indexes (with the deferred indexes below left out), so a small cache reads little more,
 * and the 32 MB it filled (nothing else needs them meanwhile) were an eighth of the sync's peak memory.
 *
 * Deferred indexes: a first import (`rebuildIndexes`) writes rows whose keys in these indexes arrive in no order
 * (keyed look-up tags; display names), so every transaction rewrote pages all over them — most of the pages a
 * 100,000-account import wrote. They are dropped for the run and built once at its end, one statement each (a sort:
 * ~0.1 s per 100,000 accounts, the thread held meanwhile, so only for a run that has the store to itself). Queries
 * stay correct without them, only slower, while the run lasts. A run that dies before building them leaves them
 * missing until `restoreDeferredIndexes` runs: `migrate` calls it whenever a process opens the store.
 */
const BULK_CACHE_KIB = 8192;

/** The settings (pragmas) a bulk write may change, with SQLite's defaults (taken when a pragma answers no row). */
const PRAGMA_DEFAULTS = { wal_autocheckpoint: 1000, cache_size: -2000 };
type Pragma = keyof typeof PRAGMA_DEFAULTS;

/** The indexes a first import builds at its end, by name: their definitions are the store's own (parked below). */
const DEFERRED_INDEXES = ['users_email_lookup', 'users_display_name_lower'] as const;

/**
 * The settings row that holds the definitions (`create index` statements, as SQLite keeps them) of the indexes a
 * bulk write dropped, written in the transaction that drops them and deleted once they are built again.
 */
const PARKED_INDEXES_KEY = 'store.parked-indexes';

export interface BulkWriteOptions {
  /** Nothing else uses this store connection while `work` runs (`sspr sync`, not a run inside `sspr serve`). */
  exclusive?: boolean;
  /** `work` writes most of `users` anew (a first import): with `exclusive`, the deferred indexes are built at the end. */
  rebuildIndexes?: boolean;
  /** Stamps the parked index definitions (default: the system's). */
  clock?: Clock;
}

/** What `work` is handed: `pace()`, awaited between its transactions, holds it back while a checkpoint catches up. */
export interface BulkWrites {
  pace(): Promise<void>;
}

const unpaced: BulkWrites = { pace: async () => undefined };

export async function withBulkWrites<T>(store: Pick<Store, 'db' | 'dialect'>, work: (bulk: BulkWrites) => Promise<T>, options: BulkWriteOptions = {}): Promise<T> {
  if (store.dialect !== 'sqlite') return work(unpaced);
  const previous = await pragmas(store.db);
  const file = await databaseFile(store.db);
  const automatic = () => setPragma(store.db, 'wal_autocheckpoint', previous.wal_autocheckpoint);
  const checkpoints = file && previous.wal_autocheckpoint > 0 ? BackgroundCheckpoints.start(file, () => void automatic().catch(() => undefined)) : null;
  const exclusive = options.exclusive === true;
  // The run's settings, each back to its previous value once the run is done.
  const bulk = new Map<Pragma, number>();
  if (checkpoints) bulk.set('wal_autocheckpoint', 0);
  if (exclusive) bulk.set('cache_size', -BULK_CACHE_KIB);
  for (const [name, value] of bulk) await setPragma(store.db, name, value);
  const defer = exclusive && options.rebuildIndexes === true;
  if (defer) await parkDeferredIndexes(store.db, options.clock);
  try {
    return await work(checkpoints ? { pace: () => checkpoints.pace() } : unpaced);
  } finally {
    if (defer) await restoreDeferredIndexes(store);
    await checkpoints?.stop();
    for (const name of bulk.keys()) await setPragma(store.db, name, previous[name]);
  }
}

/** The main database's file, or null when it has none (in memory). */
async function databaseFile(db: Kysely<Database>): Promise<string | null> {
  const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
  return rows.find((row) => row.name === 'main')?.file || null;
}

/** The settings withBulkWrites may change, as they are. */
async function pragmas(db: Kysely<Database>): Promise<Record<Pragma, number>> {
  const values = { ...PRAGMA_DEFAULTS };
  for (const name of Object.keys(values) as Pragma[]) {
    const { rows } = await sql<Record<string, number>>`pragma ${sql.raw(name)}`.execute(db);
    values[name] = Number(rows[0]?.[name] ?? values[name]);
  }
  return values;
}

function setPragma(db: Kysely<Database>, name: Pragma, value: number): Promise<unknown> {
  return sql`pragma ${sql.raw(name)} = ${sql.lit(value)}`.execute(db);
}

/**
 * Keeps the deferred indexes' definitions in the store and drops them, in one transaction: what a bulk write that
 * died leaves behind.
 */
export async function parkDeferredIndexes(db: Kysely<Database>, clock: Clock = systemClock): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const parked = await parkedDefinitions(trx);
    const { rows } = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'index' and name in (${sql.join([...DEFERRED_INDEXES])})`.execute(trx);
    for (const row of rows) parked.set(row.name, row.sql);
    if (parked.size === 0) return;
    const value = JSON.stringify(Object.fromEntries(parked));
    const updatedAt = clock.now();
    await trx.insertInto('settings').values({ key: PARKED_INDEXES_KEY, value, updated_at: updatedAt })
      .onConflict((conflict) => conflict.column('key').doUpdateSet({ value, updated_at: updatedAt })).execute();
    for (const row of rows) await trx.schema.dropIndex(row.name).execute();
  });
}

async function parkedDefinitions(db: Kysely<Database>): Promise<Map<string, string>> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', PARKED_INDEXES_KEY).executeTakeFirst();
  return new Map(Object.entries(row ? (JSON.parse(row.value) as Record<string, string>) : {}));
}

/** Builds the parked indexes again (a bulk write's end, or one that died before it: `migrate`); SQLite only. */
export async function restoreDeferredIndexes(store: Pick<Store, 'db' | 'dialect'>): Promise<void> {
  if (store.dialect !== 'sqlite') return;
  await store.db.transaction().execute(async (trx) => {
    const parked = await parkedDefinitions(trx);
    if (parked.size === 0) return;
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(trx);
    const existing = new Set(rows.map((row) => row.name));
    for (const [name, definition] of parked) if (!existing.has(name)) await sql.raw(definition).execute(trx);
    await trx.deleteFrom('settings').where('key', '=', PARKED_INDEXES_KEY).execute();
  });
}
