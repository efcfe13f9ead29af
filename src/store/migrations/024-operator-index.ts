import { sql, type Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * The console's list of operators (administrators and helpdesk) reads a partial index of those few accounts in
 * name order, instead of scanning every account (hundreds of milliseconds at 100,000 users, holding the event
 * loop on SQLite). `UsersRepository.operators` states the same condition with literal values, so that the query
 * planner can match it to the index's.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('users_operators').on('users').column('username_key').where(sql<boolean>`is_admin = 1 or is_helpdesk = 1`).execute();
}
