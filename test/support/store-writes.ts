import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

/** What the store was asked while a counter ran: statements, commits (explicit and autocommitted writes), the SQL. */
export interface StoreWrites {
  statements: number;
  commits: number;
  sql: string[];
}

let counting: StoreWrites | null = null;
const WRITE = /^\s*(insert|update|delete|replace)\b/i;
let installed = false;

/**
 * Counts the statements and commits this process sends to SQLite (better-sqlite3) or PostgreSQL (pg) while `work`
 * runs (whatever runs meanwhile counts too: keep the process otherwise idle). A write outside a transaction is one
 * commit; a transaction is one commit.
 */
export async function countStoreWrites<T>(work: () => Promise<T>): Promise<{ result: T; writes: StoreWrites }> {
  install();
  const writes: StoreWrites = { statements: 0, commits: 0, sql: [] };
  counting = writes;
  try {
    return { result: await work(), writes };
  } finally {
    counting = null;
  }
}

function note(sql: string, inTransaction: boolean): void {
  const writes = counting;
  if (!writes) return;
  writes.statements += 1;
  writes.sql.push(sql.replace(/\s+/g, ' ').slice(0, 160));
  if (/^\s*commit\b/i.test(sql) || (!inTransaction && WRITE.test(sql))) writes.commits += 1;
}

function install(): void {
  if (installed) return;
  installed = true;
  const probe = new BetterSqlite3(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
  probe.close();
  for (const name of ['run', 'all', 'get', 'iterate']) {
    const original = statement[name] as (this: BetterSqlite3.Statement, ...args: unknown[]) => unknown;
    statement[name] = function (this: BetterSqlite3.Statement, ...args: unknown[]) {
      note(this.source, this.database.inTransaction);
      return original.apply(this, args);
    };
  }
  const inTransaction = new WeakMap<object, boolean>();
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
    if (/^\s*begin\b/i.test(text)) inTransaction.set(this, true);
    note(text, inTransaction.get(this) === true);
    if (/^\s*(commit|rollback)\b/i.test(text)) inTransaction.set(this, false);
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}
