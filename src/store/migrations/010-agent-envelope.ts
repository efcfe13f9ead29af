import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * The sealed-envelope version negotiated with a connected agent (its hello), so a node queueing a job for an
 * agent connected to another node seals that agent's copy in a version it opens. Null: the agent announced no
 * versions (the legacy envelope).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('agents').addColumn('envelope_version', 'integer').execute();
}
