import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * The optional protocol features a connected agent announced in its hello (JSON array of names, protocol.ts
 * agentFeatures), so any node can tell whether an agent another node holds can carry a feature (a reset with
 * "must change at next sign-in") and the console can show it. Null: not connected since this was recorded.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('agents').addColumn('features', 'text').execute();
}
