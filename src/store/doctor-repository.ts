import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** An audit event as the doctor reads it. */
export interface DoctorEvent {
  at: number;
  event: string;
  outcome: string;
  detail: Record<string, unknown>;
}

const NOT_WRITTEN_BACK = '%"writtenBack":false%';

/** The audit event names the doctor reads; its caller names them from the audit catalogue. */
export interface DoctorEventNames {
  /** Delivery events, each named `<channel>-…`. */
  deliveries: readonly string[];
  deliveryFailures: readonly string[];
  /** Events recording the outcome of a password write. */
  writeOutcomes: readonly string[];
  /** Events whose successes say in `writtenBack` whether a password reached the directory. */
  passwordWrites: readonly string[];
  /** Self-service reset outcomes. */
  resets: readonly string[];
  /** Every outcome an event may record. */
  outcomes: readonly string[];
}

export interface UserCounts {
  all: number;
  enabled: number;
  directory: number;
  disabled: number;
  directoryWithoutAnchor: number;
  noContact: number;
}

/** An audit row as the doctor reads it: the detail parsed. */
export function parseDoctorEvent(row: { at: number; event: string; outcome: string; detail: string | null }): DoctorEvent {
  return { at: Number(row.at), event: row.event, outcome: row.outcome, detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {} };
}

/**
 * The doctor's reads of the store: a few per-user look-ups, and set-based counts for the service-level summary
 * (one query per check over all users, never one run per user).
 */
export class DoctorRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: DoctorEventNames,
  ) {}

  /** The newest audit event that records whether a password set for this user was written back. */
  async newestPasswordEvent(userId: string): Promise<DoctorEvent | null> {
    const row = await this.db
      .selectFrom('audit_events')
      .select(['at', 'event', 'outcome', 'detail'])
      .where('user_id', '=', userId)
      .where('event', 'in', this.events.passwordWrites)
      .where('outcome', '=', 'success')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? parseDoctorEvent(row) : null;
  }

  /** The newest delivery event per channel (e-mail, SMS) for this user. */
  async newestDeliveries(userId: string): Promise<DoctorEvent[]> {
    const rows = await this.db
      .selectFrom('audit_events')
      .select(['at', 'event', 'outcome', 'detail'])
      .where('user_id', '=', userId)
      .where('event', 'in', this.events.deliveries)
      .orderBy('id', 'desc')
      .limit(50)
      .execute();
    const newest = new Map<string, DoctorEvent>();
    for (const row of rows) {
      const channel = row.event.split('-')[0] as string;
      if (!newest.has(channel)) newest.set(channel, parseDoctorEvent(row));
    }
    return [...newest.values()];
  }

  /** The newest reset or writeback outcome for this user (success or failure). */
  async newestWriteOutcome(userId: string): Promise<DoctorEvent | null> {
    const row = await this.db
      .selectFrom('audit_events')
      .select(['at', 'event', 'outcome', 'detail'])
      .where('user_id', '=', userId)
      .where('event', 'in', this.events.writeOutcomes)
      .where('outcome', 'in', ['success', 'failure'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? parseDoctorEvent(row) : null;
  }

  async countUsers(): Promise<UserCounts> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('all'),
        eb.fn.sum<number | string | null>(eb.case().when('enabled', '=', 1).then(1).else(0).end()).as('enabled'),
        eb.fn.sum<number | string | null>(eb.case().when('source', '!=', 'local').then(1).else(0).end()).as('directory'),
        eb.fn.sum<number | string | null>(eb.case().when(eb.and([eb('source', '!=', 'local'), eb('anchor', 'is', null)])).then(1).else(0).end()).as('noAnchor'),
        eb.fn.sum<number | string | null>(eb.case().when(eb.and([eb('email', 'is', null), eb('mobile', 'is', null)])).then(1).else(0).end()).as('noContact'),
      ])
      .executeTakeFirstOrThrow();
    const all = Number(row.all);
    const enabled = Number(row.enabled ?? 0);
    return { all, enabled, directory: Number(row.directory ?? 0), disabled: all - enabled, directoryWithoutAnchor: Number(row.noAnchor ?? 0), noContact: Number(row.noContact ?? 0) };
  }

  /** Ids of these groups and every group nested inside them (breadth first over groups only; loops guarded). */
  async groupsWithin(groupIds: string[]): Promise<string[]> {
    const found = new Set<string>();
    let frontier = groupIds;
    while (frontier.length > 0) {
      const next = frontier.filter((id) => !found.has(id));
      next.forEach((id) => found.add(id));
      if (next.length === 0) break;
      frontier = (
        await this.db.selectFrom('group_members').select('member_id').where('member_type', '=', 'group').where('group_id', 'in', next).execute()
      ).map((r) => r.member_id);
    }
    return [...found];
  }

  /** Enabled users who are direct members of none of these groups. */
  async enabledUsersOutside(groupIds: string[]): Promise<number> {
    let query = this.db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).where('enabled', '=', 1);
    if (groupIds.length > 0) {
      query = query.where('id', 'not in', (eb) =>
        eb.selectFrom('group_members').select('member_id').where('member_type', '=', 'user').where('group_id', 'in', groupIds),
      );
    }
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  /** Groups holding one of these plans directly. */
  async groupsWithPlan(plans: string[]): Promise<string[]> {
    const rows = await this.db.selectFrom('licence_assignments').select('principal_id').where('principal_type', '=', 'group').where('plan', 'in', plans).execute();
    return rows.map((r) => r.principal_id);
  }

  /** Enabled users holding none of these plans, directly or as direct members of `licensedGroups` (already expanded). */
  async enabledUsersWithoutPlan(plans: string[], licensedGroups: string[]): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('enabled', '=', 1)
      .where('id', 'not in', (eb) =>
        eb.selectFrom('licence_assignments').select('principal_id').where('principal_type', '=', 'user').where('plan', 'in', plans),
      )
      .$if(licensedGroups.length > 0, (q) =>
        q.where('id', 'not in', (eb) =>
          eb.selectFrom('group_members').select('member_id').where('member_type', '=', 'user').where('group_id', 'in', licensedGroups),
        ),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Enabled users (administrators or not) with fewer than `required` distinct usable method types: registrations
   * of allowed types, plus contact data when it counts (e-mail → 'email', mobile → 'sms'). Per user: the contact
   * types held, plus the distinct registered types not already counted from contact data (one index probe).
   */
  async enabledUsersWithTooFewMethods(options: { admins: boolean; allowed: string[]; contactEmail: boolean; contactMobile: boolean; required: number }): Promise<number> {
    const row = await this.db
      .selectFrom('users as u')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('u.enabled', '=', 1)
      .where('u.is_admin', '=', options.admins ? 1 : 0)
      .where((eb) => {
        const held = (column: 'u.email' | 'u.mobile', counts: boolean) => (counts ? eb.case().when(column, 'is not', null).then(1).else(0).end() : eb.lit(0));
        const registered = eb
          .selectFrom('method_registrations as r')
          .select((sub) => sub.fn.count<number>('r.type').distinct().as('k'))
          .whereRef('r.user_id', '=', 'u.id')
          .where('r.type', 'in', options.allowed.length ? options.allowed : ['-'])
          .$if(options.contactEmail, (q) => q.where((w) => w.or([w('r.type', '!=', 'email'), w('u.email', 'is', null)])))
          .$if(options.contactMobile, (q) => q.where((w) => w.or([w('r.type', '!=', 'sms'), w('u.mobile', 'is', null)])));
        return eb(eb(eb(registered, '+', held('u.email', options.contactEmail)), '+', held('u.mobile', options.contactMobile)), '<', options.required);
      })
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Users whose oldest method confirmation is before `cutoff`. */
  async usersWithConfirmationBefore(cutoff: number): Promise<number> {
    const row = await this.db
      .selectFrom((eb) =>
        eb.selectFrom('method_registrations').select('user_id').groupBy('user_id').having((h) => h.fn.min('confirmed_at'), '<', cutoff).as('o'),
      )
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Accounts a reset block stops now (blocks are linked to the account that held the blocked name, migration 023);
   * sign-in blocks are linked too (`sign-in-failures`) and do not stop a reset.
   */
  async countBlockedAccounts(now: number): Promise<number> {
    const row = await this.db
      .selectFrom('throttle_blocks as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select((eb) => eb.fn.count<number | string>('t.user_id').distinct().as('n'))
      .where('t.until', '>', now)
      .where('t.reason', '!=', 'sign-in-failures')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Users (directory-managed ones when `directoryOnly`) whose newest event of a kind matches `failing…`. The
   * newest event per user is read from the index on (event, outcome, user_id, id) alone; only those rows are read.
   */
  private async newestEventMatches(options: { where: 'password' | 'delivery' | 'write'; failingPattern?: string; failingOutcome?: string; directoryOnly: boolean }): Promise<number> {
    const { db } = this;
    const scoped = db.selectFrom('audit_events').where('user_id', 'is not', null);
    const filtered =
      options.where === 'password'
        ? scoped.where('event', 'in', this.events.passwordWrites).where('outcome', '=', 'success')
        : options.where === 'delivery'
          ? scoped.where('event', 'in', this.events.deliveries)
          : scoped.where('event', 'in', this.events.resets).where('outcome', 'in', ['success', 'failure']);
    const newest = filtered.select(['user_id', (eb) => eb.fn.max('id').as('id')]).groupBy('user_id');
    let query = db
      .selectFrom('audit_events as a')
      .innerJoin(newest.as('n'), 'n.id', 'a.id')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select((eb) => eb.fn.countAll<number | string>().as('n'));
    if (options.directoryOnly) query = query.where('u.source', '!=', 'local');
    if (options.failingPattern) query = query.where('a.detail', 'like', options.failingPattern);
    if (options.failingOutcome) query = query.where('a.outcome', '=', options.failingOutcome);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  /** Directory-managed users whose newest password event was not written back. */
  usersWithUnwrittenPassword(): Promise<number> {
    return this.newestEventMatches({ where: 'password', failingPattern: NOT_WRITTEN_BACK, directoryOnly: true });
  }

  /** Users whose newest delivery (any channel) failed. */
  usersWithFailedDelivery(): Promise<number> {
    return this.newestEventMatches({ where: 'delivery', failingOutcome: 'failure', directoryOnly: false });
  }

  /** Directory-managed users whose newest reset attempt was refused by the directory. */
  usersWithRefusedReset(): Promise<number> {
    return this.newestEventMatches({ where: 'write', failingOutcome: 'failure', failingPattern: '%writeback-%', directoryOnly: true });
  }

  /** Failed deliveries since `since`, with the newest reason. */
  async deliveryFailuresSince(since: number): Promise<{ count: number; reason: string | null }> {
    const failures = this.db
      .selectFrom('audit_events')
      .where('event', 'in', this.events.deliveryFailures)
      .where('at', '>', since);
    const counted = await failures.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const newest = await failures.select('detail').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const detail = newest?.detail;
    return { count: Number(counted.n), reason: detail ? String((JSON.parse(detail) as { reason?: unknown }).reason ?? '') : null };
  }

  /** Encrypted mobile numbers page by page (id order), for validation outside SQL. */
  async *mobiles(pageSize = 5000): AsyncGenerator<Array<{ id: string; mobile: string }>> {
    let after = '';
    for (;;) {
      const rows = await this.db
        .selectFrom('users')
        .select(['id', 'mobile'])
        .where('mobile', 'is not', null)
        .where('enabled', '=', 1)
        .where('id', '>', after)
        .orderBy('id')
        .limit(pageSize)
        .execute();
      if (rows.length === 0) return;
      yield rows.map((r) => ({ id: r.id, mobile: r.mobile as string }));
      after = rows[rows.length - 1]!.id;
    }
  }
}
