import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * Helpdesk caller verifications: one row per attempt to verify a caller before an operator resets or unlocks
 * their account (a code sent to a registered method, an authenticator code read out, or a recorded reason when
 * the user has no method). In the store so a verification survives a restart and holds across nodes.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('helpdesk_verifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('operator', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('registration_id', 'text')
    .addColumn('code_hash', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sends', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('code_expires_at', 'bigint')
    .addColumn('verified_at', 'bigint')
    .addColumn('grant_until', 'bigint')
    .addColumn('voided_at', 'bigint')
    .execute();
  await db.schema.createIndex('helpdesk_verifications_user').on('helpdesk_verifications').columns(['user_id', 'created_at']).execute();
}
