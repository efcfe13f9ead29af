import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * When a reset flow entered `completing`: a claim older than the completion lease belongs to a request that died
 * between "completing" and "completed", and a retry may take it over instead of being stranded.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('reset_flows').addColumn('claimed_at', 'bigint').execute();
}
