import { forEachAnchorPage } from './anchor-pages.js';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from './schema.js';
import { PreparedQuery, type Slot } from './prepared-query.js';
import type { Clock } from './clock.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { timeOrderedId } from './time-ordered-id.js';
import { emailContext, emailLookup, mobileContext, usernameKey, type DirectoryAccountData } from './users-repository.js';

/**
 * Set-wise reads and writes of one directory's accounts (`users.source`), for `sspr sync`: a page of entries
 * costs a few statements, not a few per entry. Contact data is encrypted exactly as UsersRepository does
 * (AES-GCM bound to row and column), so both read each other's rows.
 */

/**
 * Rows per statement: 20 columns × 512 stays far below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
 * A power of two (see preparedInsert).
 */
const ROWS_PER_STATEMENT = 512;
/** Accounts read per page of a full run's preload of anchors. */
const ANCHOR_PAGE = 5000;

export type StoredDirectoryAccount = Pick<
  Selectable<UsersTable>,
  'id' | 'username' | 'dn' | 'display_name' | 'first_name' | 'last_name' | 'email' | 'mobile' | 'enabled' | 'password_changed_at' | 'password_expires_at' | 'manager_dn'
>;

/** The password facts of an account as stored (absent facts are stored as null). */
function factColumns(account: DirectoryAccountData) {
  return {
    password_changed_at: account.passwordChangedAt ?? null,
    password_expires_at: account.passwordExpiresAt ?? null,
    manager_dn: account.managerDn ?? null,
  };
}

/** The columns insertNew writes, in the order a prepared insert takes their values. */
const INSERT_COLUMNS = [
  'id', 'username', 'username_key', 'display_name', 'first_name', 'last_name', 'email', 'email_lookup', 'mobile', 'enabled',
  'is_admin', 'source', 'anchor', 'dn', 'password_hash', 'password_changed_at', 'password_expires_at', 'manager_dn',
  'created_at', 'updated_at',
] as const satisfies ReadonlyArray<keyof Insertable<UsersTable>>;
type InsertColumn = (typeof INSERT_COLUMNS)[number];

/** One row of an insert's slots: every insert column, in order, from argument `first` on. */
function slotRow($: Slot, first: number): Insertable<UsersTable> {
  const row: { [C in InsertColumn]?: Insertable<UsersTable>[C] } = {};
  INSERT_COLUMNS.forEach((column, i) => {
    row[column] = $(first + i);
  });
  return row as Insertable<UsersTable>;
}

const insertsByRowCount = new Map<number, PreparedQuery<unknown>>();
/**
 * Inserts of `rows` accounts, compiled once per database and row count: building and compiling thousands of
 * parameters anew for every page cost Kysely more than SQLite took to store them, and was most of a sync's
 * garbage. Only powers of two up to ROWS_PER_STATEMENT are compiled (insertRows splits a chunk into them), so
 * at most ten shapes exist whatever the page sizes.
 */
function preparedInsert(rowCount: number): PreparedQuery<unknown> {
  let query = insertsByRowCount.get(rowCount);
  if (!query) {
    query = new PreparedQuery((db, $) =>
      db
        .insertInto('users')
        .values(
          Array.from({ length: rowCount }, (_, row) =>
            slotRow($, row * INSERT_COLUMNS.length),
          ),
        )
        .onConflict((oc) => oc.doNothing()),
    );
    insertsByRowCount.set(rowCount, query);
  }
  return query;
}

function chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

export class DirectoryAccounts {
  /**
   * `db` may be a transaction; `root` is the database it belongs to (what prepared queries are compiled for,
   * so that one compiled form serves every transaction).
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly cipher: FieldCipher,
    private readonly source: string,
    private readonly root: Kysely<Database> = db,
  ) {}

  /**
   * The anchors of every stored account of this directory (a full run's preload): read `ANCHOR_PAGE` accounts per page
   * (one query of 100,000 rows held the loop ~100 ms). Each page is read from the index alone: paged by id instead,
   * every page sorted all of the directory's rows and read each from the table (a re-sync of 100,000 accounts read
   * ~1 GB).
   */
  async anchors(): Promise<Set<string>> {
    const anchors = new Set<string>();
    await forEachAnchorPage(
      ANCHOR_PAGE,
      (after, limit) => this.db.selectFrom('users').select('anchor').where('source', '=', this.source).where('anchor', '>', after).orderBy('anchor').limit(limit).execute(),
      (rows) => { for (const { anchor } of rows) if (anchor !== null) anchors.add(anchor); },
    );
    return anchors;
  }

  /** The stored accounts with these anchors, by anchor. */
  async findByAnchors(anchors: readonly string[]): Promise<Map<string, StoredDirectoryAccount & { anchor: string }>> {
    const found = new Map<string, StoredDirectoryAccount & { anchor: string }>();
    for (const chunk of chunks(anchors)) {
      const rows = await this.db
        .selectFrom('users')
        .select(['id', 'anchor', 'username', 'dn', 'display_name', 'first_name', 'last_name', 'email', 'mobile', 'enabled', 'password_changed_at', 'password_expires_at', 'manager_dn'])
        .where('source', '=', this.source)
        .where('anchor', 'in', chunk)
        .execute();
      for (const row of rows) if (row.anchor !== null) found.set(row.anchor, { ...row, anchor: row.anchor });
    }
    return found;
  }

  /** True when the stored row already says what the directory says (contact data compared decrypted). */
  matches(row: StoredDirectoryAccount, account: DirectoryAccountData): boolean {
    const facts = factColumns(account);
    return (
      row.password_changed_at === facts.password_changed_at && row.password_expires_at === facts.password_expires_at &&
      row.manager_dn === facts.manager_dn &&
      row.username === account.username && row.dn === account.dn && row.display_name === account.displayName &&
      row.first_name === account.firstName && row.last_name === account.lastName && (row.enabled === 1) === account.enabled &&
      this.cipher.decryptNullable(row.email, emailContext(row.id)) === account.email &&
      this.cipher.decryptNullable(row.mobile, mobileContext(row.id)) === account.mobile
    );
  }

  /** Rewrites a stored account with the directory's data (one statement). */
  async update(id: string, account: DirectoryAccountData): Promise<void> {
    await this.db
      .updateTable('users')
      .set({
        username: account.username.normalize('NFC').trim(),
        username_key: usernameKey(account.username),
        dn: account.dn,
        display_name: account.displayName,
        first_name: account.firstName,
        last_name: account.lastName,
        email: this.cipher.encryptNullable(account.email, emailContext(id)),
        email_lookup: emailLookup(this.cipher, account.email),
        mobile: this.cipher.encryptNullable(account.mobile, mobileContext(id)),
        enabled: account.enabled ? 1 : 0,
        ...factColumns(account),
        updated_at: this.clock.now(),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Inserts accounts whose anchors are new, several rows per statement. A row that hits a unique key (its user
   * name is taken, or its anchor was stored meanwhile) is skipped, not an error: the caller gets those back
   * and decides. Returns the ids of the inserted rows by anchor, and the skipped accounts.
   */
  async insertNew<T extends DirectoryAccountData>(accounts: readonly T[]): Promise<{ inserted: Map<string, string>; skipped: T[] }> {
    const now = this.clock.now();
    const inserted = new Map<string, string>();
    for (const chunk of chunks(accounts)) {
      const rows = chunk.map((account) => {
        const id = timeOrderedId(now);
        const username = account.username.normalize('NFC').trim();
        return {
          id,
          username,
          username_key: usernameKey(username),
          display_name: account.displayName,
          first_name: account.firstName,
          last_name: account.lastName,
          email: this.cipher.encryptNullable(account.email, emailContext(id)),
          email_lookup: emailLookup(this.cipher, account.email),
          mobile: this.cipher.encryptNullable(account.mobile, mobileContext(id)),
          enabled: account.enabled ? 1 : 0,
          is_admin: 0,
          source: this.source,
          anchor: account.anchor,
          dn: account.dn,
          password_hash: null,
          ...factColumns(account),
          created_at: now,
          updated_at: now,
        } satisfies Record<InsertColumn, unknown>;
      });
      const insertedRows = await this.insertRows(rows);
      // The usual case, every row written, needs no RETURNING (100,000 ids read back for nothing); after a
      // conflict, the fresh ids that made it tell which rows were written.
      const written =
        insertedRows === rows.length
          ? null
          : new Set((await this.db.selectFrom('users').select('id').where('id', 'in', rows.map((row) => row.id)).execute()).map((row) => row.id));
      for (const row of rows) if (written === null || written.has(row.id)) inserted.set(row.anchor, row.id);
    }
    return { inserted, skipped: accounts.filter((account) => !inserted.has(account.anchor)) };
  }

  /**
   * Inserts rows, skipping those that hit a unique key; returns how many were written. The rows go in
   * statements of power-of-two sizes, largest first (500 rows: 256 + 128 + 64 + 32 + 16 + 4), each prepared once.
   * Between statements the event loop gets a turn (each statement runs synchronously): while the server syncs,
   * the loop is held for one statement at a time, not for a page (queries of requests still queue behind the
   * page's transaction).
   */
  private async insertRows(rows: ReadonlyArray<Record<InsertColumn, unknown>>): Promise<number> {
    let written = 0;
    let from = 0;
    for (let size = ROWS_PER_STATEMENT; size >= 1; size /= 2) {
      while (rows.length - from >= size) {
        const values: unknown[] = new Array<unknown>(size * INSERT_COLUMNS.length);
        let at = 0;
        for (let row = from; row < from + size; row++) for (const column of INSERT_COLUMNS) values[at++] = (rows[row] as Record<InsertColumn, unknown>)[column];
        if (from > 0) await new Promise((resolve) => setImmediate(resolve));
        const result = await preparedInsert(size).executeIn(this.db, this.root, values);
        written += Number(result.numAffectedRows ?? 0);
        from += size;
      }
    }
    return written;
  }

  /** Disables the enabled accounts with these anchors; returns how many changed. */
  async disable(anchors: readonly string[]): Promise<number> {
    let disabled = 0;
    for (const chunk of chunks(anchors)) {
      const result = await this.db
        .updateTable('users')
        .set({ enabled: 0, updated_at: this.clock.now() })
        .where('source', '=', this.source)
        .where('anchor', 'in', chunk)
        .where('enabled', '=', 1)
        .executeTakeFirst();
      disabled += Number(result.numUpdatedRows);
    }
    return disabled;
  }
}
