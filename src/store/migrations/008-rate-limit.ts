import type { Kysely } from 'kysely';
import { addRequired, type Dialect } from './portable.js';

/** Fixed-window request counters shared by every node of one store (the per-IP budget). */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await addRequired(db.schema.createTable('rate_limit_windows'), { key: 'text', window_start: 'bigint', hits: 'integer' })
    .addPrimaryKeyConstraint('rate_limit_windows_pk', ['key', 'window_start'])
    .execute();
  await db.schema.createIndex('rate_limit_windows_start').on('rate_limit_windows').column('window_start').execute();
}
