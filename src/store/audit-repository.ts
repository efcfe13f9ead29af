import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely, Selectable } from 'kysely';
import type { AuditEventsTable, Database } from './schema.js';
import { PreparedQuery } from './prepared-query.js';

export interface AuditEvent {
  event: string;
  outcome: 'success' | 'failure' | 'info';
  userId?: string | null;
  username?: string | null;
  /** A short, non-secret reference to the flow (never the flow id itself). */
  flow?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Non-secret detail: error codes, method types. Never a code, token or password. Undefined values are left out. */
  detail?: Readonly<Record<string, string | number | boolean | null | undefined>>;
}

export interface AuditRecord extends AuditEvent {
  id: number;
  at: number;
}

/** What an export selects: times are epoch milliseconds (since inclusive, until exclusive). */
export interface AuditExportFilter {
  since?: number;
  until?: number;
  /** Events of this account: its id, or the name it was recorded under (also after the account is gone). */
  user?: { id: string | null; username: string };
  event?: string;
  outcome?: string;
}

/** A position in the log browsed newest first: the last row shown (time, then id as the tie-break). */
export interface AuditCursor {
  at: number;
  id: number;
}

function toAuditRecord(row: Selectable<AuditEventsTable>): AuditRecord {
  return {
    id: Number(row.id),
    at: Number(row.at),
    event: row.event,
    outcome: row.outcome as AuditRecord['outcome'],
    userId: row.user_id,
    username: row.username,
    flow: row.flow,
    ip: row.ip,
    userAgent: row.user_agent,
    detail: row.detail ? (JSON.parse(row.detail) as AuditRecord['detail']) : undefined,
  };
}

function auditRow(at: number, event: AuditEvent) {
  return {
    at,
    event: event.event,
    outcome: event.outcome,
    user_id: event.userId ?? null,
    username: event.username ?? null,
    flow: event.flow ?? null,
    ip: event.ip ?? null,
    user_agent: event.userAgent?.slice(0, 300) ?? null,
    detail: event.detail ? JSON.stringify(event.detail) : null,
  };
}

/** Every event is one of these (prepared-query.ts). */
const COLUMNS = 9;
/** Rows per insert statement: a group commit's events go in as few statements as this allows. */
const ROWS_PER_INSERT = 8;
/** Per row count (1–8), one insert of that many events, prepared (prepared-query.ts). */
const insertEvents = Array.from({ length: ROWS_PER_INSERT }, (_, index) => new PreparedQuery((db, $) =>
  db.insertInto('audit_events').values(Array.from({ length: index + 1 }, (_, row) => {
    const at = row * COLUMNS;
    return {
      at: $<number>(at), event: $<string>(at + 1), outcome: $<string>(at + 2), user_id: $<string | null>(at + 3), username: $<string | null>(at + 4),
      flow: $<string | null>(at + 5), ip: $<string | null>(at + 6), user_agent: $<string | null>(at + 7), detail: $<string | null>(at + 8),
    };
  })).returning('id')));

export class AuditRepository {
  /**
   * `reads` is where the export's, the browsing's and the counts' pages are read (`Store.reads`: off the serving
   * thread on SQLite, so a filter that scans a million events does not hold the event loop); default `db`.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly reads: Kysely<Database> = db,
  ) {}

  /**
   * Records one event and, in the same transaction, queues it for each of `sinks` (the delivery queue): an event
   * is never in the trail without its deliveries, nor queued without being in the trail. Returns the event id.
   */
  async record(at: number, event: AuditEvent, sinks: readonly string[] = []): Promise<number> {
    const [id] = await this.recordMany([{ at, event }], sinks);
    return id as number;
  }

  /**
   * Records several events in one transaction (one commit for all; `trx`, the caller's, when given), each with its
   * sink deliveries as `record` does; returns their ids in the order given.
   */
  async recordMany(events: ReadonlyArray<{ at: number; event: AuditEvent }>, sinks: readonly string[] = [], trx?: Kysely<Database>): Promise<number[]> {
    // The ids of one statement's rows, ascending, are its rows in the order given (identity / rowid order).
    const insert = async (db: Kysely<Database>, group: ReadonlyArray<{ at: number; event: AuditEvent }>): Promise<number[]> => {
      const values = group.flatMap(({ at, event }) => {
        const row = auditRow(at, event);
        return [row.at, row.event, row.outcome, row.user_id, row.username, row.flow, row.ip, row.user_agent, row.detail];
      });
      const { rows } = await (insertEvents[group.length - 1] as (typeof insertEvents)[number]).executeIn(db, this.db, values);
      if (rows.length !== group.length) throw new Error('the audit event was not stored');
      const ids = rows.map((row) => Number(row.id)).sort((a, b) => a - b);
      if (sinks.length > 0) {
        await db
          .insertInto('delivery_queue')
          .values(ids.flatMap((id, index) => sinks.map((sink) => ({ queue: 'audit', sink, state: 'queued', attempts: 0, next_attempt_at: (group[index] as { at: number }).at, created_at: (group[index] as { at: number }).at, event_id: id }))))
          .execute();
      }
      return ids;
    };
    const writeAll = async (runner: Kysely<Database>): Promise<number[]> => {
      const ids: number[] = [];
      for (let start = 0; start < events.length; start += ROWS_PER_INSERT) ids.push(...(await insert(runner, events.slice(start, start + ROWS_PER_INSERT))));
      return ids;
    };
    if (events.length === 0) return [];
    if (trx) return writeAll(trx);
    // One statement, no sink rows: its own transaction.
    if (events.length <= ROWS_PER_INSERT && sinks.length === 0) return insert(this.db, events);
    return this.db.transaction().execute(writeAll);
  }

  /** The events with these ids (those that still exist), in id order. */
  async byIds(ids: readonly number[]): Promise<AuditRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('audit_events').selectAll().where('id', 'in', [...ids]).orderBy('id', 'asc').execute();
    return rows.map(toAuditRecord);
  }

  /** The newest `limit` events of one kind, newest first (e.g. the last sync runs). */
  async latestOf(event: string, limit: number): Promise<AuditRecord[]> {
    const rows = await this.db.selectFrom('audit_events').selectAll().where('event', '=', event).orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toAuditRecord);
  }

  async list(filter: { username?: string; limit?: number } = {}): Promise<AuditRecord[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('id', 'asc');
    if (filter.username) query = query.where('username', '=', filter.username);
    const rows = await query.limit(filter.limit ?? 1000).execute();
    return rows.map(toAuditRecord);
  }

  /**
   * Every matching event, oldest first, one page at a time: a keyset cursor on the id (`id > last`, never an
   * offset), so memory holds one page however long the log is, and each page costs the same. A consumer that
   * stops pulling (backpressure) stops the reads.
   */
  async *pages(filter: AuditExportFilter, pageSize = 1000): AsyncGenerator<AuditRecord[]> {
    let after = 0;
    for (;;) {
      const query = this.filtered(filter).selectAll().where('id', '>', after).orderBy('id', 'asc').limit(pageSize);
      const rows = await query.execute();
      if (rows.length === 0) return;
      yield rows.map(toAuditRecord);
      if (rows.length < pageSize) return;
      after = Number((rows[rows.length - 1] as Selectable<AuditEventsTable>).id);
    }
  }

  /** The events matching `filter` (the shared WHERE of export, browsing and counting). */
  private filtered(filter: AuditExportFilter) {
    let query = this.reads.selectFrom('audit_events');
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('at', '<', filter.until);
    if (filter.event !== undefined) query = query.where('event', '=', filter.event);
    if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
    const user = filter.user;
    if (user) query = query.where((eb) => eb.or([eb('username', '=', user.username), ...(user.id ? [eb('user_id', '=', user.id)] : [])]));
    return query;
  }

  /**
   * One page of the log, newest first, after `cursor` (keyset on time, then id: no offset, every page costs the
   * same); `next` is the cursor of the following page, or null at the end.
   */
  async browse(filter: AuditExportFilter, cursor: AuditCursor | null, limit: number): Promise<{ events: AuditRecord[]; next: AuditCursor | null }> {
    let query = this.filtered(filter).selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit + 1);
    if (cursor) query = query.where((eb) => eb.or([eb('at', '<', cursor.at), eb.and([eb('at', '=', cursor.at), eb('id', '<', cursor.id)])]));
    const rows = (await query.execute()).map(toAuditRecord);
    const events = rows.slice(0, limit);
    const last = events.at(-1);
    return { events, next: rows.length > limit && last ? { at: last.at, id: last.id } : null };
  }

  /**
   * Retention: deletes events older than `before`, at most `batch` per statement, until none is left or `maxBatches`
   * ran. Each statement is short and a turn of the event loop follows it, so requests and other writers wait at most
   * one batch: on SQLite (secure_delete, five indexes) a statement of 5,000 events held the loop for over a second.
   * A backlog (retention shortened on a large log) goes over several housekeeping passes. Returns how many went.
   */
  async purgeBefore(before: number, batch = 100, maxBatches = 400): Promise<number> {
    let removed = 0;
    for (let i = 0; i < maxBatches; i++) {
      if (i > 0) await nextTurn();
      const oldest = this.db.selectFrom('audit_events').select('id').where('at', '<', before).orderBy('at').limit(batch);
      const result = await this.db.deleteFrom('audit_events').where('id', 'in', oldest).executeTakeFirst();
      const count = Number(result.numDeletedRows);
      removed += count;
      if (count < batch) break;
    }
    return removed;
  }
}
