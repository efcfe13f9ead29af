import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { ReadThreadDialect } from './read-thread-dialect.js';
import { statementCache, statementsMayBeCollected } from './statement-cache.js';
import { restoreDeferredIndexes } from './bulk-writes.js';
import type { Dialect } from './migrations/portable.js';
import { SsprError } from '../errors/sspr-error.js';

export interface Store {
  db: Kysely<Database>;
  /**
   * For long set-based reads only (console statistics, reports, the doctor's counts, a policy what-if): on SQLite
   * they run on a read-only connection in a worker thread (read-thread/read-thread-dialect.ts) and see what has been
   * committed; on PostgreSQL this is `db`. No transactions, no writes, no streaming.
   */
  reads: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, without credentials (for logs and `config check`). */
  location: string;
  close(): Promise<void>;
}

let postgresDriver: typeof pg | undefined;

/**
 * The PostgreSQL driver, loaded when a store or a listener first needs it (a SQLite server never holds it).
 * PostgreSQL returns int8 as a string to keep precision; our bigints are epoch milliseconds (< 2^53).
 */
export function postgres(): typeof pg {
  if (postgresDriver === undefined) {
    postgresDriver = createRequire(import.meta.url)('pg') as typeof pg;
    postgresDriver.types.setTypeParser(postgresDriver.types.builtins.INT8, (value) => Number(value));
  }
  return postgresDriver;
}

export interface StoreOptions {
  /**
   * Most MiB of SQLite pages the connection keeps in its own cache (default 32). Pages it drops are read again from
   * the file, which the operating system caches in any case; what it keeps is resident memory of this process
   * (it fills up to this size once the file is larger).
   */
  sqliteCacheMiB?: number;
}

/**
 * Opens the store named by `databaseUrl`: `postgres://…` / `postgresql://…` → PostgreSQL (pooled);
 * `sqlite:PATH` or nothing → SQLite (default DATA_DIR/sspr.db) in WAL mode.
 */
export function openStore(databaseUrl: string | undefined, dataDir: string, options: StoreOptions = {}): Store {
  if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) {
    const pool = new (postgres().Pool)({ connectionString: databaseUrl, max: 10 });
    // A pooled client that dies (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(databaseUrl);
    return { db, reads: db, dialect: 'postgres', location: `postgres://${url.host}${url.pathname}`, close: () => db.destroy() };
  }
  const file = databaseUrl?.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : join(dataDir, 'sspr.db');
  if (file !== ':memory:') createPrivately(file, databaseUrl === undefined);
  const sqlite = new BetterSqlite3(file);
  sqlite.exec('PRAGMA journal_mode = WAL');
  sqlite.exec('PRAGMA synchronous = NORMAL');
  sqlite.exec('PRAGMA busy_timeout = 5000');
  sqlite.exec('PRAGMA foreign_keys = ON');
  sqlite.exec(`PRAGMA cache_size = ${-1024 * Math.max(1, Math.round(options.sqliteCacheMiB ?? 32))}`);
  // Freed pages are zeroed, so replaced secrets (old ciphertexts, consumed code hashes) do not linger in the file.
  sqlite.exec('PRAGMA secure_delete = ON');
  // Temporary tables and indices of the serving connection's statements stay in memory: with the default, a
  // sign-in or a change created, wrote and unlinked a file in /var/tmp every few requests (seen with strace).
  // Their rows are the requests' own, never a whole table's; the read thread, which sorts whole tables, keeps files.
  sqlite.exec('PRAGMA temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const reads = file === ':memory:' ? db : new Kysely<Database>({ dialect: new ReadThreadDialect(file, db) });
  const close = async () => {
    if (reads !== db) await reads.destroy();
    await db.destroy();
  };
  return { db, reads, dialect: 'sqlite', location: `sqlite:${file}`, close };
}

/**
 * The SQLite file is readable by its owner only (0600; SQLite gives its -wal and -shm files the same mode), and a
 * folder made for it is 0700 — as is the data dir when the database lives there. A folder or file the service may
 * not write is one sentence naming it.
 */
function createPrivately(file: string, inDataDir: boolean): void {
  const folder = dirname(resolve(file));
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (inDataDir) chmodSync(folder, 0o700);
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (['EACCES', 'EPERM', 'EROFS', 'ENOTDIR'].includes(code)) throw new SsprError('data-dir-not-writable', { params: { folder, code } });
    throw error;
  }
}

const closedDatabases: Array<{ sqlite: BetterSqlite3.Database; statements: Map<string, BetterSqlite3.Statement> }> = [];

/** The database with its statements prepared once by SQL text (statement-cache.ts); under Node 24 never collected. */
function withStatementCache(sqlite: BetterSqlite3.Database): BetterSqlite3.Database {
  const { prepare, statements: cache } = statementCache(sqlite);
  const close = (): BetterSqlite3.Database => {
    if (!statementsMayBeCollected) closedDatabases.push({ sqlite, statements: cache });
    return sqlite.close();
  };
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property === 'prepare') return prepare;
      if (property === 'close') return close;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Applies every pending migration and builds the indexes a bulk write left out (bulk-writes.ts) if it died before
 * building them; returns the names of the migrations applied now.
 */
export async function migrate(store: Store): Promise<string[]> {
  const migrator = new Migrator({ db: store.db, provider: migrationProvider(store.dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw unreachable(store, error) ?? error;
  await restoreDeferredIndexes(store);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

const CONNECTION_FAULTS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** A database that cannot be reached, as one sentence naming it (never its credentials); null for other faults. */
function unreachable(store: Store, error: unknown): SsprError | null {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code || !CONNECTION_FAULTS.has(code)) return null;
  return new SsprError('database-unreachable', { params: { location: store.location, code }, cause: error });
}

/** True when the store answers a trivial query (readiness). */
export async function storeIsReady(store: Store): Promise<boolean> {
  try {
    await sql`select 1`.execute(store.db);
    return true;
  } catch {
    return false;
  }
}
