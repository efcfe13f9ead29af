import { sql, type Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * The console's set-based reads stay index-bound with a million audit events and 100,000 users:
 * - `audit_events (event, at, outcome)`: per-event counts over a time range, read from the index alone (overview:
 *   resets and refusals per day);
 * - `audit_events (at)`: the audit log browsed newest first and filtered by time (the row id rides along as the
 *   keyset tie-break), and retention deleting the oldest events in batches;
 * - `audit_events (username, at)`: a user's trail by the name it was recorded under;
 * - `users (lower(display_name), username_key)`: the user search's display-name prefix in page order (the user
 *   name prefix uses the unique `username_key`);
 * - `users (created_at)`, `method_registrations (user_id, created_at)`: registration coverage over time from the
 *   indexes alone.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('audit_events_event_at').on('audit_events').columns(['event', 'at', 'outcome']).execute();
  await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
  await db.schema.createIndex('audit_events_username').on('audit_events').columns(['username', 'at']).execute();
  await db.schema.createIndex('users_display_name_lower').on('users').expression(sql`lower(display_name), username_key`).execute();
  await db.schema.createIndex('users_created').on('users').column('created_at').execute();
  await db.schema.createIndex('method_registrations_user_created').on('method_registrations').columns(['user_id', 'created_at']).execute();
}
