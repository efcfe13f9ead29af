import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { principalName } from './principal-name.js';
import { PreparedQuery } from './prepared-query.js';
import type { Database } from './schema.js';
import type { Clock } from './clock.js';
import { SsprError } from '../errors/sspr-error.js';

/** A group as a directory sync delivers it. */
export interface DirectoryGroupData {
  anchor: string;
  dn: string;
  name: string;
}

export interface GroupRecord {
  id: string;
  name: string;
}

export interface GroupListing extends GroupRecord {
  users: string[];
  groups: string[];
}

const nameKey = (name: string) => name.normalize('NFC').trim().toLowerCase();

/** The groups a principal is directly in (every reset's eligibility check asks: compiled once, prepared-query.ts). */
const directGroupsOf = new PreparedQuery((db, $) =>
  db.selectFrom('group_members').select('group_id').where('member_type', '=', $<'user' | 'group'>(0)).where('member_id', '=', $<string>(1)));

/** Members per statement when a directory group's members are written (3 values a row). */
const MEMBER_CHUNK = 500;

interface Member {
  member_type: 'user' | 'group';
  member_id: string;
}

const memberKey = (type: string, id: string) => `${type}\u0000${id}`;

function chunked<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += MEMBER_CHUNK) result.push(items.slice(i, i + MEMBER_CHUNK));
  return result;
}

export class GroupsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async add(name: string): Promise<GroupRecord> {
    if (await this.find(name)) throw new SsprError('group-exists', { params: { name } });
    const row = { id: randomUUID(), name: name.normalize('NFC').trim(), name_key: nameKey(name), created_at: this.clock.now() };
    await this.db.insertInto('groups').values(row).execute();
    return { id: row.id, name: row.name };
  }

  async find(name: string): Promise<GroupRecord | null> {
    const row = await this.db.selectFrom('groups').select(['id', 'name']).where('name_key', '=', nameKey(name)).executeTakeFirst();
    return row ?? null;
  }

  async get(name: string): Promise<GroupRecord> {
    const group = await this.find(name);
    if (!group) throw new SsprError('group-not-found', { params: { name } });
    return group;
  }

  /** Creates or updates a directory group by anchor; a name clash with another group gets the source appended. */
  async upsertFromDirectory(source: string, group: DirectoryGroupData): Promise<'created' | 'updated' | 'unchanged'> {
    const existing = await this.db.selectFrom('groups').select(['id', 'name', 'dn']).where('source', '=', source).where('anchor', '=', group.anchor).executeTakeFirst();
    if (existing && existing.name === group.name && existing.dn === group.dn) return 'unchanged';
    const clash = await this.find(group.name);
    const name = clash && clash.id !== existing?.id ? `${group.name} (${source})` : group.name;
    if (existing) {
      await this.db.updateTable('groups').set({ name, name_key: nameKey(name), dn: group.dn }).where('id', '=', existing.id).execute();
      return 'updated';
    }
    await this.db
      .insertInto('groups')
      .values({ id: randomUUID(), name, name_key: nameKey(name), created_at: this.clock.now(), source, anchor: group.anchor, dn: group.dn })
      .execute();
    return 'created';
  }

  /** Replaces a directory group's members (users and nested groups, by anchor) with exactly these. */
  /**
   * Makes the group's direct members exactly these (users and groups of this source by anchor; unknown anchors and
   * the group itself are left out). Only the difference is written, at most `MEMBER_CHUNK` members per statement
   * with a turn of the event loop before each: a group as large as the directory (tens of thousands of members)
   * stays within the databases' parameter limits (SQLite 32,766, PostgreSQL 65,535) and does not hold the loop,
   * and an unchanged group costs reads only. Not atomic as a whole: a run that stops midway leaves part of the
   * change written, and the next run (the sync writes its marker last) writes the rest.
   */
  async setDirectoryMembers(source: string, groupAnchor: string, memberAnchors: string[]): Promise<void> {
    const group = await this.db.selectFrom('groups').select('id').where('source', '=', source).where('anchor', '=', groupAnchor).executeTakeFirst();
    if (!group) return;
    const wanted = new Map<string, Member>();
    for (const anchors of chunked([...new Set(memberAnchors)])) {
      await nextTurn();
      const [users, groups] = await Promise.all([
        this.db.selectFrom('users').select('id').where('source', '=', source).where('anchor', 'in', anchors).execute(),
        this.db.selectFrom('groups').select('id').where('source', '=', source).where('anchor', 'in', anchors).execute(),
      ]);
      for (const { id } of users) wanted.set(memberKey('user', id), { member_type: 'user', member_id: id });
      for (const { id } of groups) if (id !== group.id) wanted.set(memberKey('group', id), { member_type: 'group', member_id: id });
    }
    const current = await this.db.selectFrom('group_members').select(['member_type', 'member_id']).where('group_id', '=', group.id).execute();
    const held = new Set(current.map((m) => memberKey(m.member_type, m.member_id)));
    for (const type of ['user', 'group'] as const) {
      const gone = current.filter((m) => m.member_type === type && !wanted.has(memberKey(type, m.member_id))).map((m) => m.member_id);
      for (const ids of chunked(gone)) {
        await nextTurn();
        await this.db.deleteFrom('group_members').where('group_id', '=', group.id).where('member_type', '=', type).where('member_id', 'in', ids).execute();
      }
    }
    const added = [...wanted.entries()].filter(([key]) => !held.has(key)).map(([, member]) => ({ group_id: group.id, ...member }));
    for (const rows of chunked(added)) {
      await nextTurn();
      await this.db.insertInto('group_members').values(rows).onConflict((oc) => oc.doNothing()).execute();
    }
  }

  async addUser(groupId: string, userId: string): Promise<void> {
    await this.db
      .insertInto('group_members')
      .values({ group_id: groupId, member_type: 'user', member_id: userId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** Removes a direct member (a user or a nested group) from a group; false when it was not a direct member. */
  async removeMember(groupId: string, memberType: 'user' | 'group', memberId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('group_members')
      .where('group_id', '=', groupId)
      .where('member_type', '=', memberType)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  /** Nests `member` inside `group`; refuses a nesting that would make a loop. */
  async addGroup(group: GroupRecord, member: GroupRecord): Promise<void> {
    if (group.id === member.id || (await this.containingGroupIds('group', group.id)).has(member.id)) {
      throw new SsprError('group-cycle', { params: { group: group.name, member: member.name } });
    }
    await this.db
      .insertInto('group_members')
      .values({ group_id: group.id, member_type: 'group', member_id: member.id })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /**
   * Every group that contains the principal directly or through nested groups (transitive closure,
   * breadth first; visited set guards against loops made outside the CLI).
   */
  async containingGroupIds(type: 'user' | 'group', id: string): Promise<Set<string>> {
    const found = new Set<string>();
    let frontier = (await directGroupsOf.execute(this.db, type, id)).rows.map((r) => r.group_id);
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const groupId of frontier) {
        if (found.has(groupId)) continue;
        found.add(groupId);
        next.push(groupId);
      }
      if (next.length === 0) break;
      frontier = (
        await this.db.selectFrom('group_members').select('group_id').where('member_type', '=', 'group').where('member_id', 'in', next).execute()
      ).map((r) => r.group_id);
    }
    return found;
  }

  /** Group names the user belongs to, nested membership included. */
  async groupsOfUser(userId: string): Promise<string[]> {
    const ids = [...(await this.containingGroupIds('user', userId))];
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('groups').select('name').where('id', 'in', ids).orderBy('name_key').execute();
    return rows.map((r) => r.name);
  }

  async list(): Promise<GroupListing[]> {
    const groups = await this.db.selectFrom('groups').select(['id', 'name']).orderBy('name_key').execute();
    const members = await this.db
      .selectFrom('group_members')
      .select(['group_members.group_id', 'group_members.member_type', principalName('group_members.member_type', 'group_members.member_id').as('name')])
      .execute();
    return groups.map((group) => ({
      ...group,
      users: members.filter((m) => m.group_id === group.id && m.member_type === 'user').map((m) => m.name ?? '?').sort(),
      groups: members.filter((m) => m.group_id === group.id && m.member_type === 'group').map((m) => m.name ?? '?').sort(),
    }));
  }
}
