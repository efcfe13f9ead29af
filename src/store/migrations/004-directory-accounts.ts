import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/** Accounts and groups imported from an on-premises directory carry their stable anchor and DN. */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('users').addColumn('anchor', 'text').execute();
  await db.schema.alterTable('users').addColumn('dn', 'text').execute();
  await db.schema.createIndex('users_anchor').on('users').columns(['source', 'anchor']).unique().execute();
  await db.schema.alterTable('groups').addColumn('source', 'text', (c) => c.notNull().defaultTo('local')).execute();
  await db.schema.alterTable('groups').addColumn('anchor', 'text').execute();
  await db.schema.alterTable('groups').addColumn('dn', 'text').execute();
  await db.schema.createIndex('groups_anchor').on('groups').columns(['source', 'anchor']).unique().execute();
  await db.schema
    .createTable('sync_state')
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('marker', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
