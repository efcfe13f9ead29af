import type { Kysely } from 'kysely';
import { addRequired, type Dialect } from './portable.js';

/**
 * "Require re-registration": an operator removed the account's registered methods and asked the owner to register
 * again; the request stands until methods registered after it meet the policy.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await addRequired(db.schema.createTable('reregistration_requests').addColumn('user_id', 'text', (c) => c.primaryKey()), {
    required_at: 'bigint',
    required_by: 'text',
  }).execute();
}
