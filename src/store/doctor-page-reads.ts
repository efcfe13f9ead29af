import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { parseDoctorEvent, type DoctorEvent, type DoctorEventNames } from './doctor-repository.js';

/** Groups as a graph: names by id, and for each group the groups it is a direct member of. */
export interface GroupGraph {
  names: Map<string, string>;
  parents: Map<string, string[]>;
  /** Plans assigned to each group directly. */
  plans: Map<string, string[]>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The doctor's per-user reads for a page of users at once (the readiness sweep): the same facts
 * `DoctorService.diagnoseUser` reads one user at a time, each one query for the whole page, bound by an index
 * (`group_members` and `licence_assignments` by principal, `audit_events (event, outcome, user_id, id)`).
 */
export class DoctorPageReads {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: DoctorEventNames,
  ) {}

  /** Every group with its direct parents and direct plans (groups are few next to users: read once per sweep). */
  async groupGraph(): Promise<GroupGraph> {
    const [groups, nesting, plans] = await Promise.all([
      this.db.selectFrom('groups').select(['id', 'name']).execute(),
      this.db.selectFrom('group_members').select(['group_id', 'member_id']).where('member_type', '=', 'group').execute(),
      this.db.selectFrom('licence_assignments').select(['principal_id', 'plan']).where('principal_type', '=', 'group').execute(),
    ]);
    const graph: GroupGraph = { names: new Map(groups.map((g) => [g.id, g.name])), parents: new Map(), plans: new Map() };
    for (const row of nesting) push(graph.parents, row.member_id, row.group_id);
    for (const row of plans) push(graph.plans, row.principal_id, row.plan);
    return graph;
  }

  /** The groups each of these users is a direct member of. */
  async directGroups(userIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.direct(userIds, (ids) =>
      this.db.selectFrom('group_members').select(['member_id as userId', 'group_id as value']).where('member_type', '=', 'user').where('member_id', 'in', ids).execute(),
    );
  }

  /** The plans assigned to each of these users directly. */
  async directPlans(userIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.direct(userIds, (ids) =>
      this.db.selectFrom('licence_assignments').select(['principal_id as userId', 'plan as value']).where('principal_type', '=', 'user').where('principal_id', 'in', ids).execute(),
    );
  }

  /** Per user, the values of the rows `read` finds naming these users directly (one query; none for no users). */
  private async direct(userIds: readonly string[], read: (ids: readonly string[]) => Promise<Array<{ userId: string; value: string }>>): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    if (userIds.length === 0) return found;
    for (const row of await read(userIds)) push(found, row.userId, row.value);
    return found;
  }

  /** Per user (and per event name) the newest event among `events` with one of `outcomes` (null: any). */
  private async newest(userIds: readonly string[], events: readonly string[], outcomes: readonly string[] | null): Promise<Array<DoctorEvent & { userId: string }>> {
    if (userIds.length === 0 || events.length === 0) return [];
    const newest = this.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('event', 'in', events)
      // Every outcome named even for "any": the index leads with (event, outcome), so without the outcome SQLite
      // reads every event of these names, not this page's users' (hundreds of milliseconds at 1M events).
      .where('outcome', 'in', outcomes ?? this.events.outcomes)
      .where('user_id', 'in', userIds)
      .groupBy(['event', 'user_id']);
    const rows = await this.db
      .selectFrom('audit_events')
      .select(['id', 'user_id', 'at', 'event', 'outcome', 'detail'])
      .where('id', 'in', newest)
      .orderBy('id', 'desc')
      .execute();
    return rows.map((row) => ({ ...parseDoctorEvent(row), userId: row.user_id as string }));
  }

  /** Per user the newest successful password write (what `DoctorRepository.newestPasswordEvent` reads). */
  async newestPasswordEvents(userIds: readonly string[]): Promise<Map<string, DoctorEvent>> {
    return this.first(await this.newest(userIds, this.events.passwordWrites, ['success']));
  }

  /** Per user the newest reset or writeback outcome (what `DoctorRepository.newestWriteOutcome` reads). */
  async newestWriteOutcomes(userIds: readonly string[]): Promise<Map<string, DoctorEvent>> {
    return this.first(await this.newest(userIds, this.events.writeOutcomes, ['success', 'failure']));
  }

  /** Per user the newest delivery event per channel (what `DoctorRepository.newestDeliveries` reads), newest first. */
  async newestDeliveries(userIds: readonly string[]): Promise<Map<string, DoctorEvent[]>> {
    const found = new Map<string, DoctorEvent[]>();
    const seen = new Set<string>();
    for (const { userId, ...event } of await this.newest(userIds, this.events.deliveries, null)) {
      const channel = `${userId}\u0000${event.event.split('-')[0] as string}`;
      if (seen.has(channel)) continue;
      seen.add(channel);
      push(found, userId, event);
    }
    return found;
  }

  /** The first (newest) event per user of a list ordered newest first. */
  private first(events: Array<DoctorEvent & { userId: string }>): Map<string, DoctorEvent> {
    const found = new Map<string, DoctorEvent>();
    for (const { userId, ...event } of events) if (!found.has(userId)) found.set(userId, event);
    return found;
  }
}
