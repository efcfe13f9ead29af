import type { Kysely } from 'kysely';
import { addRequired, type Dialect } from './portable.js';

/**
 * "This wasn't me": the single-use links that notices carry (only a keyed digest of each token is stored), and
 * the accounts whose self-service is frozen until an administrator lifts it.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await addRequired(db.schema.createTable('not_me_links').addColumn('digest', 'text', (c) => c.primaryKey()), {
    user_id: 'text',
    notice: 'text',
    created_at: 'bigint',
    expires_at: 'bigint',
  })
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('not_me_links_expires').on('not_me_links').column('expires_at').execute();
  await addRequired(db.schema.createTable('account_freezes').addColumn('user_id', 'text', (c) => c.primaryKey()), {
    username: 'text',
    notice: 'text',
    frozen_at: 'bigint',
  })
    .addColumn('ip', 'text')
    .execute();
}
