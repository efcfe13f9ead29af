import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * Console sign-in: a session remembers when it last proved a second method (`stepped_up_at`) and when it was last
 * used in the console (`console_seen_at`, for the idle timeout). Admin API tokens get a scope (existing tokens keep
 * every right: `admin`) and an optional expiry. A helpdesk grant may be limited to one group's members.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('stepped_up_at', 'bigint').execute();
  await db.schema.alterTable('sessions').addColumn('step_up_method', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('console_seen_at', 'bigint').execute();
  await db.schema.alterTable('admin_tokens').addColumn('scope', 'text', (c) => c.notNull().defaultTo('admin')).execute();
  await db.schema.alterTable('admin_tokens').addColumn('expires_at', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('helpdesk_scope', 'text').execute();
}
