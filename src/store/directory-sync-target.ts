import { forEachAnchorPage } from './anchor-pages.js';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Clock } from './clock.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { DirectoryAccounts, type StoredDirectoryAccount } from './directory-accounts.js';
import { GroupsRepository, type DirectoryGroupData } from './groups-repository.js';
import { SsprError } from '../errors/sspr-error.js';
import type { DirectoryAccountData } from './users-repository.js';

/** How many entries of a page were created, updated or found unchanged. */
export type UpsertCounts = Record<'created' | 'updated' | 'unchanged', number>;

const noCounts = (): UpsertCounts => ({ created: 0, updated: 0, unchanged: 0 });

/** Rows read per page when DNs are resolved from the store. */
const DN_PAGE = 2000;

/**
 * Where `sspr sync` writes: users and groups of one directory (`source`), keyed by their anchors.
 *
 * Each page is written in one transaction with a handful of statements (new accounts in multi-row inserts).
 * A full run preloads the anchors already stored, so a page of new accounts needs no lookup at all and
 * disabling the vanished ones needs no second scan. A sync that fails midway keeps the pages it committed —
 * harmless: upserts are idempotent and the marker is written last, so the next run repeats the rest.
 * A user name already held by another account stops the run with `user-exists`, as `sspr user add` would.
 * It is the store side of the sync's `SyncTarget` (sync/sync-types.ts), which states the contract; DNs are
 * compared by the sync's `dnKey`, given by the caller, since the store knows no DN syntax.
 */
export class DirectorySyncTarget {
  /**
   * Full runs: the anchors of this source's accounts stored before the run began. It does not grow with the
   * run: an anchor this run creates and meets again (a later page) is inserted, hits its unique key and is then
   * upserted like any stored one, and it was seen, so disableMissing has no use for it.
   */
  private known: Set<string> | null = null;
  /** Awaited before each write transaction (a bulk write's checkpoint pacing, bulk-writes.ts). */
  private pace: () => Promise<void> = async () => undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly cipher: FieldCipher,
    private readonly source: string,
    private readonly dnKey: (dn: string) => string,
  ) {}

  private accounts(db: Kysely<Database> = this.db): DirectoryAccounts {
    return new DirectoryAccounts(db, this.clock, this.cipher, this.source, this.db);
  }

  /** Writes from now on wait for `bulk.pace()` before each transaction. */
  pacedBy(bulk: { pace(): Promise<void> }): this {
    this.pace = () => bulk.pace();
    return this;
  }

  async startRun(mode: 'full' | 'incremental'): Promise<void> {
    this.known = mode === 'full' ? await this.accounts().anchors() : null;
  }

  async upsertAccounts(page: readonly DirectoryAccountData[]): Promise<UpsertCounts> {
    // A page naming one anchor twice is stored as two upserts in order: the repeats go in a second round.
    const firsts: DirectoryAccountData[] = [];
    const repeats: DirectoryAccountData[] = [];
    const inPage = new Set<string>();
    for (const account of page) (inPage.has(account.anchor) ? repeats : (inPage.add(account.anchor), firsts)).push(account);

    await this.pace();
    const counts = await this.db.transaction().execute(async (trx) => {
      const store = this.accounts(trx);
      const counts = noCounts();
      const upsertExisting = async (account: DirectoryAccountData, row: StoredDirectoryAccount): Promise<void> => {
        if (store.matches(row, account)) {
          counts.unchanged += 1;
        } else {
          await store.update(row.id, account);
          counts.updated += 1;
        }
      };
      // With the preload, only anchors stored before are looked up; otherwise (incremental) every one is.
      const known = this.known;
      const candidates = known ? firsts.filter((account) => known.has(account.anchor)) : firsts;
      const stored = candidates.length ? await store.findByAnchors(candidates.map((account) => account.anchor)) : new Map<string, StoredDirectoryAccount>();
      const fresh: DirectoryAccountData[] = [];
      for (const account of firsts) {
        const row = stored.get(account.anchor);
        if (row) await upsertExisting(account, row);
        else fresh.push(account);
      }
      if (fresh.length === 0) return counts;
      const { inserted, skipped } = await store.insertNew(fresh);
      counts.created += inserted.size;
      if (skipped.length === 0) return counts;
      // Skipped: stored meanwhile under the same anchor (by another run), or the user name is taken.
      const appeared = await store.findByAnchors(skipped.map((account) => account.anchor));
      for (const account of skipped) {
        const row = appeared.get(account.anchor);
        if (!row) throw new SsprError('user-exists', { params: { username: account.username } });
        await upsertExisting(account, row);
      }
      return counts;
    });
    if (repeats.length === 0) return counts;
    const again = await this.upsertAccounts(repeats);
    return { created: counts.created + again.created, updated: counts.updated + again.updated, unchanged: counts.unchanged + again.unchanged };
  }

  async upsertGroups(page: readonly DirectoryGroupData[]): Promise<UpsertCounts> {
    await this.pace();
    return this.db.transaction().execute(async (trx) => {
      const groups = new GroupsRepository(trx, this.clock);
      const counts = noCounts();
      for (const group of page) counts[await groups.upsertFromDirectory(this.source, group)] += 1;
      return counts;
    });
  }

  async setGroupMembers(groupAnchor: string, memberAnchors: string[]): Promise<void> {
    await this.pace();
    return new GroupsRepository(this.db, this.clock).setDirectoryMembers(this.source, groupAnchor, memberAnchors);
  }

  async disableMissing(seen: Set<string>): Promise<number> {
    const stored = this.known ?? (await this.accounts().anchors());
    return this.accounts().disable([...stored].filter((anchor) => !seen.has(anchor)));
  }

  /**
   * One pass over this directory's accounts and groups (DNs are not indexed, so one scan beats one per DN), read
   * `DN_PAGE` rows at a time in anchor order with a turn of the event loop between pages: a directory's worth of
   * rows at once was a heap spike of tens of megabytes and held the loop.
   */
  async anchorsForDns(dns: readonly string[], among?: ReadonlySet<string>): Promise<Map<string, string>> {
    const wanted = new Set(dns.map(this.dnKey));
    const found = new Map<string, string>();
    for (const table of among ? (['users'] as const) : (['users', 'groups'] as const)) {
      await forEachAnchorPage(
        DN_PAGE,
        (after, limit) => this.db
          .selectFrom(table)
          .select(['anchor', 'dn'])
          .where('source', '=', this.source)
          .where('anchor', '>', after)
          .where('dn', 'is not', null)
          .orderBy('anchor')
          .limit(limit)
          .execute(),
        (rows) => {
          for (const { anchor, dn } of rows) {
            const key = dn === null ? null : this.dnKey(dn);
            if (anchor !== null && key !== null && wanted.has(key) && !found.has(key) && (!among || among.has(anchor))) found.set(key, anchor);
          }
        },
      );
    }
    return found;
  }

  /** True when the store holds an account of this directory (false: the next full run is a first import). */
  async hasAccounts(): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('id').where('source', '=', this.source).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** Accounts and groups of this directory in the store (an estimate of a full run's size). */
  async storedEntries(): Promise<number> {
    const count = async (table: 'users' | 'groups'): Promise<number> => {
      const row = await this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('source', '=', this.source)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    return (await count('users')) + (await count('groups'));
  }

  async readMarker(): Promise<string | null> {
    const row = await this.db.selectFrom('sync_state').select('marker').where('source', '=', this.source).executeTakeFirst();
    return row?.marker ?? null;
  }

  async writeMarker(marker: string): Promise<void> {
    const now = this.clock.now();
    await this.db
      .insertInto('sync_state')
      .values({ source: this.source, marker, updated_at: now })
      .onConflict((oc) => oc.column('source').doUpdateSet({ marker, updated_at: now }))
      .execute();
  }
}
