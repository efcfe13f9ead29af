import type { Kysely } from 'kysely';
import { addAutoId, addRequired, type Dialect } from './portable.js';

/**
 * The durable delivery queue: one row per (audit event, sink) and one per outgoing mail or SMS. A row is
 * `queued` until delivered (then removed, or `delivered` for audit rows) or given up (`dead`, the dead letter).
 * A node works on a row only while it holds its lease (`lease_until` in the future, `leased_by` its id), so
 * several nodes on one store do not send the same row at once; a lease that runs out (a node killed) frees it.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await addRequired(addAutoId(db.schema.createTable('delivery_queue'), dialect), {
    queue: 'text',
    sink: 'text',
    state: 'text',
    attempts: 'integer',
    next_attempt_at: 'bigint',
    created_at: 'bigint',
  })
    // The audit event delivered (audit queue), or null.
    .addColumn('event_id', 'bigint')
    // The sealed message (outbox queue: JSON through the field cipher, it may carry a code), or null.
    .addColumn('payload', 'text')
    // Non-secret tag of an outbox message (purpose, user id, user name) as JSON, or null.
    .addColumn('tag', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('leased_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'bigint')
    .execute();
  await db.schema.createIndex('delivery_queue_due').on('delivery_queue').columns(['queue', 'state', 'next_attempt_at']).execute();
  await db.schema.createIndex('delivery_queue_event').on('delivery_queue').columns(['event_id', 'sink']).execute();
}
