import { sql, type Kysely, type Selectable } from 'kysely';
import type { DeliveryQueueTable, Database } from './schema.js';
import type { Dialect } from './migrations/portable.js';
import { PreparedQuery } from './prepared-query.js';
import type { WriteBatch } from './write-batch.js';

/** The statements of every message sent (prepared-query.ts): its row in, and out once delivered. */
const outbox = {
  enqueue: new PreparedQuery((db, $) =>
    db.insertInto('delivery_queue').values({
      queue: 'outbox', sink: $<string>(0), state: 'queued', attempts: 0, next_attempt_at: $<number>(1), created_at: $<number>(1), payload: $<string>(2), tag: $<string>(3),
      lease_until: $<number | null>(4), leased_by: $<string | null>(5),
    }).returning('id')),
  delivered: new PreparedQuery((db, $) => db.deleteFrom('delivery_queue').where('id', '=', $<number>(0)).where('leased_by', '=', $<string>(1))),
};

/** Which queue a row belongs to: audit events to sinks, or mail and SMS to their channel. */
export type QueueName = 'audit' | 'outbox';
export type DeliveryState = 'queued' | 'delivered' | 'dead';

export interface QueuedDelivery {
  id: number;
  queue: QueueName;
  sink: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  eventId: number | null;
  payload: string | null;
  tag: string | null;
  lastError: string | null;
}

function toDelivery(row: Selectable<DeliveryQueueTable>): QueuedDelivery {
  return {
    id: Number(row.id),
    queue: row.queue as QueueName,
    sink: row.sink,
    state: row.state as DeliveryState,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    createdAt: Number(row.created_at),
    eventId: row.event_id === null ? null : Number(row.event_id),
    payload: row.payload,
    tag: row.tag,
    lastError: row.last_error,
  };
}

/**
 * The durable delivery queue. A worker claims due rows with a lease (`lease_until`, `leased_by`): on PostgreSQL
 * the candidate rows are locked with FOR UPDATE SKIP LOCKED, so two nodes claiming at once take different rows;
 * on SQLite writes are serialised, and the lease columns alone keep a row with one node. Every later change
 * (delivered, retry, dead) applies only while the caller still holds the lease, so a node that outlived its lease
 * cannot overwrite the work of the node that took the row over.
 */
export class DeliveryQueueRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** A new outbox row, leased by `nodeId` until `leaseUntil` when the caller sends it straight away. */
  /** Queues a message; in `batch` when given (then it settles once the batch committed). */
  enqueueMessage(now: number, sink: string, payload: string, tag: string, lease?: { nodeId: string; until: number }, batch?: WriteBatch): Promise<number> {
    const run = async (runner: Kysely<Database>) => {
      const [row] = (await outbox.enqueue.executeIn(runner, this.db, [sink, now, payload, tag, lease?.until ?? null, lease?.nodeId ?? null])).rows;
      if (!row) throw new Error('the outbox row was not stored');
      return Number(row.id);
    };
    return batch ? batch.add(run) : run(this.db);
  }

  /** Leases up to `limit` due rows of `queue` and of these `sinks` (oldest first) to `nodeId` until `now + leaseMs`. */
  async claim(queue: QueueName, nodeId: string, now: number, leaseMs: number, limit: number, sinks: readonly string[]): Promise<QueuedDelivery[]> {
    const due = this.db
      .selectFrom('delivery_queue')
      .select('id')
      .where('queue', '=', queue)
      .where('sink', 'in', [...sinks])
      .where('state', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .orderBy('id', 'asc')
      .limit(limit);
    const candidates = this.dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    const rows = await this.db
      .updateTable('delivery_queue')
      .set({ lease_until: now + leaseMs, leased_by: nodeId })
      .where('id', 'in', candidates)
      // Re-checked here: on SQLite the subquery and the update are one statement, on PostgreSQL the lock holds it.
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .where('state', '=', 'queued')
      .returningAll()
      .execute();
    return rows.map(toDelivery).sort((a, b) => a.id - b.id);
  }

  /**
   * Delivered: outbox rows are removed (they may hold a code), audit rows are kept as `delivered`. An outbox row
   * is removed in `batch` when given (then this settles once the batch committed).
   */
  async delivered(row: QueuedDelivery, nodeId: string, now: number, batch?: WriteBatch): Promise<boolean> {
    if (row.queue === 'outbox') {
      const remove = async (runner: Kysely<Database>) => ((await outbox.delivered.executeIn(runner, this.db, [row.id, nodeId])).numAffectedRows ?? 0n) > 0n;
      return batch ? batch.add(remove) : remove(this.db);
    }
    const result = await this.db
      .updateTable('delivery_queue')
      .set({ state: 'delivered', attempts: sql`attempts + 1`, delivered_at: now, lease_until: null, last_error: null })
      .where('id', '=', row.id)
      .where('leased_by', '=', nodeId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** A failed attempt: tried again at `nextAttemptAt`, or given up (`dead`, keeping the sealed payload for a replay). */
  async failed(row: QueuedDelivery, nodeId: string, error: string, next: { at: number } | 'dead'): Promise<boolean> {
    const result = await this.db
      .updateTable('delivery_queue')
      .set({
        state: next === 'dead' ? 'dead' : 'queued',
        attempts: sql`attempts + 1`,
        next_attempt_at: next === 'dead' ? row.nextAttemptAt : next.at,
        lease_until: null,
        last_error: error.slice(0, 300),
      })
      .where('id', '=', row.id)
      .where('leased_by', '=', nodeId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Gives a leased row back untried (shutdown), due again at once. */
  async release(row: QueuedDelivery, nodeId: string): Promise<void> {
    await this.db.updateTable('delivery_queue').set({ lease_until: null }).where('id', '=', row.id).where('leased_by', '=', nodeId).execute();
  }

  /**
   * Queues rows again, due now with a fresh attempt count: the dead letters only, or (`all`) every delivered and
   * dead row. `sinks` narrows to those sinks. Returns how many rows were queued again.
   */
  async requeue(queue: QueueName, now: number, options: { sinks?: readonly string[]; deadOnly: boolean; since?: number }): Promise<number> {
    let query = this.db
      .updateTable('delivery_queue')
      .set({ state: 'queued', attempts: 0, next_attempt_at: now, lease_until: null, leased_by: null, delivered_at: null })
      .where('queue', '=', queue)
      .where('state', 'in', options.deadOnly ? ['dead'] : ['dead', 'delivered']);
    if (options.sinks) query = query.where('sink', 'in', [...options.sinks]);
    if (options.since !== undefined) query = query.where('created_at', '>=', options.since);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** How many rows of `queue` are in each state, per sink. */
  async counts(queue: QueueName): Promise<Array<{ sink: string; state: DeliveryState; count: number }>> {
    const rows = await this.db
      .selectFrom('delivery_queue')
      .select(['sink', 'state', (eb) => eb.fn.countAll<number>().as('count')])
      .where('queue', '=', queue)
      .groupBy(['sink', 'state'])
      .execute();
    return rows.map((row) => ({ sink: row.sink, state: row.state as DeliveryState, count: Number(row.count) }));
  }

  /** Rows of `queue` in `state`, oldest first (at most `limit`). */
  async list(queue: QueueName, state: DeliveryState, limit = 100): Promise<QueuedDelivery[]> {
    const rows = await this.db.selectFrom('delivery_queue').selectAll().where('queue', '=', queue).where('state', '=', state).orderBy('id', 'asc').limit(limit).execute();
    return rows.map(toDelivery);
  }

  /** Removes delivered audit rows older than `before` (the events themselves stay in the audit trail). */
  async purgeDelivered(before: number): Promise<number> {
    const result = await this.db.deleteFrom('delivery_queue').where('state', '=', 'delivered').where('delivered_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Removes outbox dead letters queued before `before`: a message that old (a code long expired) is of no use. */
  async purgeDeadMessages(before: number): Promise<number> {
    const result = await this.db.deleteFrom('delivery_queue').where('queue', '=', 'outbox').where('state', '=', 'dead').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
