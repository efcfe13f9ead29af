import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * Writeback agents (enrolled public keys, heartbeat state), their one-time enrolment tokens, and writeback
 * jobs (sealed passwords kept only while a job is open). Times are epoch milliseconds.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('directory', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('identity_key', 'text', (c) => c.notNull())
    .addColumn('enrolled_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('version', 'text')
    .addColumn('connected_node', 'text')
    .addColumn('connected_at', 'bigint')
    .addColumn('last_seen_at', 'bigint')
    .addColumn('clock_offset_ms', 'integer')
    .addColumn('heartbeat_seconds', 'integer')
    .addColumn('report', 'text')
    .execute();
  await db.schema
    .createTable('agent_enrolment_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('directory', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('agent_id', 'text')
    .execute();
  await db.schema
    .createTable('writeback_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('directory', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('envelopes', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('node_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('deadline_at', 'bigint', (c) => c.notNull())
    .addColumn('dispatched_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('raw', 'text')
    .execute();
  await db.schema.createIndex('writeback_jobs_state').on('writeback_jobs').columns(['state', 'directory']).execute();
  await db.schema.createIndex('writeback_jobs_user').on('writeback_jobs').columns(['user_id', 'created_at']).execute();
}
