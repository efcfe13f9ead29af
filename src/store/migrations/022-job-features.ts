import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * The optional protocol features a queued writeback job needs of the agent that takes it (JSON array of names,
 * protocol.ts agentFeatures; null: none), so the node that picks a pending job up hands it only to an agent that
 * announced them on its current connection — the features stored with the agent when the job was sealed may be
 * gone after a reconnect. A node that does not know a listed feature never hands the job out.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('writeback_jobs').addColumn('features', 'text').execute();
}
