import type { Kysely } from 'kysely';
import type { Dialect } from './portable.js';

/**
 * The data-encryption keyring shared by every node of one store: `keyring` has one row (id 1) with the
 * current key id, a version that every change raises (nodes poll it), and a check value that tells whether a
 * node's master key is the one the keyring was made with; `keyring_keys` holds the random keys, each wrapped
 * (AES-256-GCM) under a key derived from the master key. Key "k0" is derived from the master key itself and
 * is never stored.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('keyring')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('current_key_id', 'text', (c) => c.notNull())
    .addColumn('master_check', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('keyring_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('wrapped_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
