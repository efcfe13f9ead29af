import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Clock } from './clock.js';
import type { UsersRepository } from './users-repository.js';
import type { GroupsRepository } from './groups-repository.js';
import type { SyncTarget, SyncedAccount, SyncedGroup, UpsertOutcome } from '../sync/sync-types.js';

/** Where `sspr sync` writes: users and groups of one directory (`source`), keyed by their anchors. */
export class DirectorySyncTarget implements SyncTarget {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly users: UsersRepository,
    private readonly groups: GroupsRepository,
    private readonly source: string,
    private readonly clock: Clock,
  ) {}

  upsertAccount(account: SyncedAccount): Promise<UpsertOutcome> {
    const { memberOfDns: _groups, ...data } = account;
    return this.users.upsertFromDirectory(this.source, data);
  }

  upsertGroup(group: SyncedGroup): Promise<UpsertOutcome> {
    return this.groups.upsertFromDirectory(this.source, group);
  }

  setGroupMembers(groupAnchor: string, memberAnchors: string[]): Promise<void> {
    return this.groups.setDirectoryMembers(this.source, groupAnchor, memberAnchors);
  }

  disableMissing(seen: Set<string>): Promise<number> {
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
    const now = this.clock.now();
    await this.db
      .insertInto('sync_state')
      .values({ source: this.source, marker, updated_at: now })
      .onConflict((oc) => oc.column('source').doUpdateSet({ marker, updated_at: now }))
      .execute();
  }
}
