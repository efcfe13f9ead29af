import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * Keyed look-up tags next to encrypted contact data (FieldCipher.lookupTag), so "which accounts use this
 * e-mail address" is one indexed query instead of decrypting every row: `users.email_lookup` for the account's
 * address, `method_registrations.contact_lookup` for a registered address. Null: not computed yet (rows written
 * before this migration, filled in by the store's backfill); '' : the row has no address.
 *
 * `audit_events (event, outcome, user_id, id)`: the doctor's service run finds each user's newest event of a
 * kind (newest password write, delivery, reset) from this index alone, without reading 1,000,000 event rows.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_lookup', 'text').execute();
  await db.schema.createIndex('users_email_lookup').on('users').column('email_lookup').execute();
  await db.schema.alterTable('method_registrations').addColumn('contact_lookup', 'text').execute();
  await db.schema.createIndex('method_registrations_contact_lookup').on('method_registrations').column('contact_lookup').execute();
  await db.schema.createIndex('audit_events_event_user').on('audit_events').columns(['event', 'outcome', 'user_id', 'id']).execute();
}
