import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect } from './migrations/portable.js';

export interface GroupCoverage {
  group: string;
  members: number;
  registered: number;
}

export interface EventCount {
  event: string;
  /** The detail field asked for (method, reason, path), or '' when the event has none. */
  key: string;
  outcome: string;
  count: number;
}

export interface UnregisteredUser {
  username: string;
  displayName: string;
  source: string;
  isAdmin: boolean;
  /** Enrolment reminders sent to the user so far (sspr notify enrolment / its schedule). */
  reminders: number;
}

export interface AdminMethods {
  username: string;
  enabled: boolean;
  /** Registered method types, distinct, sorted. */
  types: string[];
  hasEmail: boolean;
  hasMobile: boolean;
}

/**
 * The auditors' reports over the store, set-based (one grouped query per report, never a query per user);
 * long lists are read in pages by keyset (username order), so an export streams without holding the whole list.
 */
export class ReportsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** A text field of the audit detail (JSON), the same on SQLite and PostgreSQL. */
  private detailField(field: 'method' | 'reason' | 'path'): RawBuilder<string | null> {
    return this.dialect === 'postgres' ? sql<string | null>`(detail::json ->> ${sql.lit(field)})` : sql<string | null>`json_extract(detail, ${sql.lit(`$.${field}`)})`;
  }

  /** Per group: its direct user members (enabled) and how many of them registered at least one method. */
  async coverageByGroup(): Promise<GroupCoverage[]> {
    const registered = this.db.selectFrom('method_registrations').select('user_id').distinct();
    const rows = await this.db
      .selectFrom('groups as g')
      .leftJoin('group_members as m', (join) => join.onRef('m.group_id', '=', 'g.id').on('m.member_type', '=', 'user'))
      .leftJoin('users as u', (join) => join.onRef('u.id', '=', 'm.member_id').on('u.enabled', '=', 1))
      .leftJoin(registered.as('r'), 'r.user_id', 'u.id')
      .select((eb) => ['g.name as group', eb.fn.count<number | string>('u.id').distinct().as('members'), eb.fn.count<number | string>('r.user_id').distinct().as('registered')])
      .groupBy(['g.id', 'g.name', 'g.name_key'])
      .orderBy('g.name_key')
      .execute();
    return rows.map((r) => ({ group: r.group, members: Number(r.members), registered: Number(r.registered) }));
  }

  /** Enabled users in all, and those with at least one registration. */
  async coverageOverall(): Promise<{ members: number; registered: number }> {
    const row = await this.db
      .selectFrom('users as u')
      .leftJoin(this.db.selectFrom('method_registrations').select('user_id').distinct().as('r'), 'r.user_id', 'u.id')
      .select((eb) => [eb.fn.countAll<number | string>().as('members'), eb.fn.count<number | string>('r.user_id').as('registered')])
      .where('u.enabled', '=', 1)
      .executeTakeFirstOrThrow();
    return { members: Number(row.members), registered: Number(row.registered) };
  }

  /** Counts of these events since `since`, by one detail field and outcome. */
  async eventsBy(events: readonly string[], field: 'method' | 'reason' | 'path', since: number): Promise<EventCount[]> {
    const key = this.detailField(field);
    const rows = await this.db
      .selectFrom('audit_events')
      .select((eb) => ['event', key.as('key'), 'outcome', eb.fn.countAll<number | string>().as('count')])
      .where('event', 'in', events.length ? [...events] : ['-'])
      .where('at', '>=', since)
      .groupBy(['event', key, 'outcome'])
      .orderBy('event')
      .orderBy(key)
      .orderBy('outcome')
      .execute();
    return rows.map((r) => ({ event: r.event, key: r.key ?? '', outcome: r.outcome, count: Number(r.count) }));
  }

  /** Enabled users without any registration, in username order after `afterKey` (keyset paging), and how many in all. */
  async neverRegistered(options: { afterKey?: string; offset?: number; limit: number }): Promise<{ users: Array<UnregisteredUser & { key: string }>; total: number }> {
    const base = this.db
      .selectFrom('users')
      .where('enabled', '=', 1)
      .where('users.id', 'not in', (eb) => eb.selectFrom('method_registrations').select('user_id'));
    const total = Number((await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);
    let page = base
      .leftJoin('enrolment_reminders as er', 'er.user_id', 'users.id')
      .select(['username', 'username_key', 'display_name', 'source', 'is_admin', 'er.sent_count'])
      .orderBy('username_key')
      .limit(options.limit);
    if (options.afterKey !== undefined) page = page.where('username_key', '>', options.afterKey);
    if (options.offset) page = page.offset(options.offset);
    const rows = await page.execute();
    return { users: rows.map((r) => ({ username: r.username, displayName: r.display_name, source: r.source, isAdmin: r.is_admin === 1, reminders: Number(r.sent_count ?? 0), key: r.username_key })), total };
  }

  /** Every administrator with their registered method types and whether the directory holds an address / number. */
  async administrators(): Promise<AdminMethods[]> {
    const admins = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'enabled', (eb) => eb('email', 'is not', null).as('has_email'), (eb) => eb('mobile', 'is not', null).as('has_mobile')])
      .where('is_admin', '=', 1)
      .orderBy('username_key')
      .execute();
    const types = await this.db
      .selectFrom('method_registrations as r')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .select(['r.user_id', 'r.type'])
      .distinct()
      .where('u.is_admin', '=', 1)
      .execute();
    const byUser = new Map<string, Set<string>>();
    for (const row of types) byUser.set(row.user_id, (byUser.get(row.user_id) ?? new Set()).add(row.type));
    return admins.map((a) => ({ username: a.username, enabled: a.enabled === 1, types: [...(byUser.get(a.id) ?? [])].sort(), hasEmail: Boolean(a.has_email), hasMobile: Boolean(a.has_mobile) }));
  }
}
