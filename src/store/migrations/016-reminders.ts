import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * Password expiry facts per account (written by the sync), the claims that make each reminder go out once, the
 * enrolment-reminder counts, and the claims of scheduled runs (one node runs each occurrence).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('users').addColumn('password_expires_at', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('manager_dn', 'text').execute();
  await db.schema.createIndex('users_password_expires_at').on('users').column('password_expires_at').execute();
  await db.schema
    .createTable('reminder_claims')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('occasion', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('reminder_claims_pk', ['kind', 'subject', 'occasion'])
    .execute();
  await db.schema.createIndex('reminder_claims_claimed_at').on('reminder_claims').column('claimed_at').execute();
  await db.schema
    .createTable('enrolment_reminders')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('sent_count', 'integer', (c) => c.notNull())
    .addColumn('last_sent_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('scheduled_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('occurrence', 'bigint', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('scheduled_runs_pk', ['job', 'occurrence'])
    .execute();
}
