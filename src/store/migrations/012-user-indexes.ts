import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * Per-user lookups on every password write (end the user's other sessions, end the user's open reset flows) use
 * an index instead of scanning tables that grow with every sign-in and every flow.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
  await db.schema.createIndex('reset_flows_user').on('reset_flows').columns(['user_id', 'state']).execute();
}
