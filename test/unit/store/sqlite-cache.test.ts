import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openStore } from '../../../src/store/database.js';

async function cacheSize(options?: { sqliteCacheMiB?: number }): Promise<number> {
  const store = openStore('sqlite::memory:', '/tmp', options);
  try {
    const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(store.db);
    return rows[0]?.cache_size ?? Number.NaN;
  } finally {
    await store.close();
  }
}

describe('openStore: the SQLite page cache', () => {
  it('keeps 32 MiB of pages by default and the size asked for otherwise (a negative cache_size is KiB)', async () => {
    assert.equal(await cacheSize(), -32 * 1024);
    assert.equal(await cacheSize({ sqliteCacheMiB: 8 }), -8 * 1024);
    assert.equal(await cacheSize({ sqliteCacheMiB: 0 }), -1024, 'never below 1 MiB');
  });
});
