import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/** The helpdesk role: a stored flag next to `is_admin` (src/admin/roles.ts names the roles). */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('users').addColumn('is_helpdesk', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
