import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openTestStore } from '../../support/test-store.js';
import { migrate, type Store } from '../../../src/store/database.js';
import { parkDeferredIndexes, withBulkWrites } from '../../../src/store/bulk-writes.js';

const DEFERRED = ['users_display_name_lower', 'users_email_lookup'];

async function userIndexes(store: Store): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'users' order by name`.execute(store.db);
  return rows.map((row) => row.name).filter((name) => DEFERRED.includes(name));
}

async function definitions(store: Store): Promise<string[]> {
  const { rows } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = 'users' order by name`.execute(store.db);
  return rows.map((row) => row.sql);
}

async function pragma(store: Store, name: 'wal_autocheckpoint' | 'cache_size'): Promise<number> {
  const { rows } = await sql<Record<string, number>>`pragma ${sql.raw(name)}`.execute(store.db);
  return Number(rows[0]?.[name]);
}

async function withSqliteStore(test: (store: Store) => Promise<void>): Promise<void> {
  const { store, cleanup } = await openTestStore('sqlite');
  try {
    await test(store);
  } finally {
    await store.close();
    await cleanup();
  }
}

describe('bulk writes on SQLite (withBulkWrites)', () => {
  it('an exclusive first import runs without the deferred indexes and builds them at its end; settings come back', () =>
    withSqliteStore(async (store) => {
      const before = { checkpoint: await pragma(store, 'wal_autocheckpoint'), cache: await pragma(store, 'cache_size') };
      const inside = await withBulkWrites(store, async (bulk) => {
        await bulk.pace();
        return { indexes: await userIndexes(store), checkpoint: await pragma(store, 'wal_autocheckpoint'), cache: await pragma(store, 'cache_size') };
      }, { exclusive: true, rebuildIndexes: true });
      assert.deepEqual(inside.indexes, []);
      assert.equal(inside.checkpoint, 0, 'automatic checkpoints are off: the worker thread checkpoints');
      assert.ok(inside.cache > before.cache, 'a smaller page cache (negative: KiB)');
      assert.deepEqual(await userIndexes(store), DEFERRED);
      assert.equal(await pragma(store, 'wal_autocheckpoint'), before.checkpoint);
      assert.equal(await pragma(store, 'cache_size'), before.cache);
    }));

  it('a run inside the server (not exclusive) keeps every index and the page cache', () =>
    withSqliteStore(async (store) => {
      const cache = await pragma(store, 'cache_size');
      const inside = await withBulkWrites(store, async () => ({ indexes: await userIndexes(store), cache: await pragma(store, 'cache_size') }), { rebuildIndexes: true });
      assert.deepEqual(inside, { indexes: DEFERRED, cache });
    }));

  it('a failing import still builds the indexes; one that died before building them is repaired by migrate', () =>
    withSqliteStore(async (store) => {
      await assert.rejects(withBulkWrites(store, async () => {
        throw new Error('directory gone');
      }, { exclusive: true, rebuildIndexes: true }), /directory gone/);
      assert.deepEqual(await userIndexes(store), DEFERRED);
      const defined = await definitions(store);
      await parkDeferredIndexes(store.db);
      assert.deepEqual(await userIndexes(store), []);
      await migrate(store);
      assert.deepEqual(await definitions(store), defined, 'built again exactly as the migrations defined them');
      await migrate(store);
      assert.deepEqual(await definitions(store), defined, 'and only once');
    }));
});
