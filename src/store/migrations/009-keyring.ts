import type { Kysely } from 'kysely';
import { addRequired, type Dialect } from './portable.js';

/**
 * The data-encryption keyring shared by every node of one store: `keyring` has one row (id 1) with the
 * current key id, a version that every change raises (nodes poll it), and a check value that tells whether a
 * node's master key is the one the keyring was made with; `keyring_keys` holds the random keys, each wrapped
 * (AES-256-GCM) under a key derived from the master key. Key "k0" is derived from the master key itself and
 * is never stored.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  const keyring = db.schema.createTable('keyring').addColumn('id', 'integer', (c) => c.primaryKey());
  await addRequired(keyring, { version: 'integer', current_key_id: 'text', master_check: 'text', updated_at: 'bigint' }).execute();
  const keys = db.schema.createTable('keyring_keys').addColumn('id', 'text', (c) => c.primaryKey());
  await addRequired(keys, { wrapped_key: 'text', created_at: 'bigint' }).execute();
}
