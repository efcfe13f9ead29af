import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Clock } from './clock.js';
import type { UsersRepository } from './users-repository.js';
import type { GroupsRepository } from './groups-repository.js';
import type { SyncTarget, SyncedAccount, SyncedGroup, UpsertOutcome } from '../sync/sync-types.js';

const BATCH = 1000;

/**
 * Where `sspr sync` writes: users and groups of one directory (`source`), keyed by their anchors.
 * On SQLite, upserts are committed in batches of 1000 (one commit per row dominated the sync time); a sync
 * that fails midway keeps what was committed — harmless, since upserts are idempotent and the marker is
 * written last, so the next run repeats the rest.
 */
export class DirectorySyncTarget implements SyncTarget {
  private uncommitted = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly users: UsersRepository,
    private readonly groups: GroupsRepository,
    private readonly source: string,
    private readonly clock: Clock,
    private readonly batched = false,
  ) {}

  private async batch<T>(write: () => Promise<T>): Promise<T> {
    if (!this.batched) return write();
    if (this.uncommitted === 0) await sql`begin`.execute(this.db);
    const result = await write();
    if (++this.uncommitted >= BATCH) await this.flush();
    return result;
  }

  /** Commits the open batch (before anything that opens its own transaction, and at the end). */
  async flush(): Promise<void> {
    if (this.uncommitted === 0) return;
    this.uncommitted = 0;
    await sql`commit`.execute(this.db);
  }

  upsertAccount(account: SyncedAccount): Promise<UpsertOutcome> {
    const { memberOfDns: _groups, ...data } = account;
    return this.batch(() => this.users.upsertFromDirectory(this.source, data));
  }

  upsertGroup(group: SyncedGroup): Promise<UpsertOutcome> {
    return this.batch(() => this.groups.upsertFromDirectory(this.source, group));
  }

  async setGroupMembers(groupAnchor: string, memberAnchors: string[]): Promise<void> {
    await this.flush();
    return this.groups.setDirectoryMembers(this.source, groupAnchor, memberAnchors);
  }

  async disableMissing(seen: Set<string>): Promise<number> {
    await this.flush();
    return this.users.disableMissing(this.source, seen);
  }

  anchorForDn(dn: string): Promise<string | null> {
    return this.groups.anchorForDn(this.source, dn);
  }

  async readMarker(): Promise<string | null> {
    const row = await this.db.selectFrom('sync_state').select('marker').where('source', '=', this.source).executeTakeFirst();
    return row?.marker ?? null;
  }

  async writeMarker(marker: string): Promise<void> {
    await this.flush();
    const now = this.clock.now();
    await this.db
      .insertInto('sync_state')
      .values({ source: this.source, marker, updated_at: now })
      .onConflict((oc) => oc.column('source').doUpdateSet({ marker, updated_at: now }))
      .execute();
  }
}
