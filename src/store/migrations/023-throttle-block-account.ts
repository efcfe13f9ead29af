import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * `throttle_blocks.user_id`: the account whose user name a reset block stops, when the name was an account's as the
 * block was set (null for unknown names, slots and other scopes). Scopes are keyed hashes, so the doctor's count of
 * blocked accounts cannot read a name back from them; it joins this column to `users` instead. Blocks set before
 * this migration stay unlinked until they end (at most the policy's block hours).
 *
 * Refusal-notice slots were stored under their clear scope (`user:NAME:refusal-notice`): they are dropped, so no
 * typed user name stays at rest (at worst one more refusal notice goes out within the next ten minutes).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('throttle_blocks').addColumn('user_id', 'text').execute();
  await db.deleteFrom('throttle_blocks').where('scope', 'like', 'user:%').execute();
}
