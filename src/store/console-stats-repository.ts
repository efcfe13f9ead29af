import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect } from './migrations/portable.js';

export const DAY_MS = 86_400_000;

/** An audit selection the overview counts: an event name and, optionally, one outcome. */
export interface EventSelector {
  event: string;
  outcome?: string;
}

/** Per UTC day (days since the epoch) a count. */
export type DailyCounts = Map<number, number>;

/** Users in the store: all, enabled, and those with at least one registered method. */
export interface ConsoleUserCounts {
  all: number;
  enabled: number;
  registered: number;
}

/**
 * The console overview's numbers, each one set-based query bound by an index (migration 014): never a run per user
 * or a scan of the whole audit trail. Event names come from the caller (the audit catalogue); the store knows none.
 */
export class ConsoleStatsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async userCounts(): Promise<ConsoleUserCounts> {
    const [users, registered] = await Promise.all([
      this.db
        .selectFrom('users')
        .select((eb) => [eb.fn.countAll<number | string>().as('all'), eb.fn.sum<number | string | null>(eb.case().when('enabled', '=', 1).then(1).else(0).end()).as('enabled')])
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('method_registrations')
        .select((eb) => eb.fn.count<number | string>('user_id').distinct().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { all: Number(users.all), enabled: Number(users.enabled ?? 0), registered: Number(registered.n) };
  }

  /** Active throttle blocks with one of these reasons (scopes are keyed hashes: a block is counted, never named). */
  async activeBlocks(reasons: readonly string[], now: number): Promise<number> {
    if (reasons.length === 0) return 0;
    const row = await this.db
      .selectFrom('throttle_blocks')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('until', '>', now)
      .where('reason', 'in', reasons)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** How many events of the selectors happened at or after `since`, per UTC day. */
  async perDay(selectors: readonly EventSelector[], since: number): Promise<DailyCounts> {
    const counts: DailyCounts = new Map();
    if (selectors.length === 0) return counts;
    const day = sql<number | string>`(at / ${sql.lit(DAY_MS)})`;
    const rows = await this.db
      .selectFrom('audit_events')
      .select([day.as('day'), (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('at', '>=', since)
      .where((eb) => eb.or(selectors.map((s) => (s.outcome === undefined ? eb('event', '=', s.event) : eb.and([eb('event', '=', s.event), eb('outcome', '=', s.outcome)])))))
      .groupBy(day)
      .execute();
    for (const row of rows) counts.set(Math.floor(Number(row.day)), (counts.get(Math.floor(Number(row.day))) ?? 0) + Number(row.n));
    return counts;
  }

  /** Events of the selectors at or after `since`, counted by the `reason` of their detail ('' when it has none). */
  async byReason(selectors: readonly EventSelector[], since: number): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (selectors.length === 0) return counts;
    const reason =
      this.dialect === 'postgres'
        ? sql<string | null>`(cast(detail as json) ->> 'reason')`
        : sql<string | null>`json_extract(detail, '$.reason')`;
    const rows = await this.db
      .selectFrom('audit_events')
      .select([reason.as('reason'), (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('at', '>=', since)
      .where((eb) => eb.or(selectors.map((s) => (s.outcome === undefined ? eb('event', '=', s.event) : eb.and([eb('event', '=', s.event), eb('outcome', '=', s.outcome)])))))
      .groupBy(reason)
      .execute();
    for (const row of rows) counts.set(row.reason ?? '', (counts.get(row.reason ?? '') ?? 0) + Number(row.n));
    return counts;
  }

  /**
   * Registration coverage over time: per UTC day from `since`, how many accounts existed by the day's end and how
   * many of them had registered a method by then (a user counts from their first registration still held).
   */
  async coverageSince(since: number, until: number): Promise<Array<{ day: number; users: number; registered: number }>> {
    const firstDay = Math.floor(since / DAY_MS);
    const lastDay = Math.floor(until / DAY_MS);
    const day = sql<number | string>`(created_at / ${sql.lit(DAY_MS)})`;
    const firstRegistration = this.db
      .selectFrom('method_registrations')
      .select(['user_id', (eb) => eb.fn.min('created_at').as('first')])
      .groupBy('user_id')
      .as('f');
    const registeredDay = sql<number | string>`(f.first / ${sql.lit(DAY_MS)})`;
    // Per day over the whole history (index-only scans: users (created_at), method_registrations (user_id,
    // created_at)); a few thousand rows at most, summed up here.
    const [usersPerDay, registeredPerDay] = await Promise.all([
      this.db.selectFrom('users').select([day.as('day'), (eb) => eb.fn.countAll<number | string>().as('n')]).groupBy(day).execute(),
      this.db.selectFrom(firstRegistration).select([registeredDay.as('day'), (eb) => eb.fn.countAll<number | string>().as('n')]).groupBy(registeredDay).execute(),
    ])
    const running = (rows: Array<{ day: number | string; n: number | string }>) => {
      let before = 0;
      const added = new Map<number, number>();
      for (const row of rows) {
        const d = Math.floor(Number(row.day));
        if (d < firstDay) before += Number(row.n);
        else added.set(d, (added.get(d) ?? 0) + Number(row.n));
      }
      return { before, added };
    };
    const u = running(usersPerDay);
    const r = running(registeredPerDay);
    let users = u.before;
    let registered = r.before;
    const series: Array<{ day: number; users: number; registered: number }> = [];
    for (let d = firstDay; d <= lastDay; d++) {
      users += u.added.get(d) ?? 0;
      registered += r.added.get(d) ?? 0;
      series.push({ day: d, users, registered });
    }
    return series;
  }
}
