import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, migrate, type Store } from '../../src/store/database.js';
import { createTestDatabase } from './postgres.js';

/**
 * A migrated, empty store for repository tests: SQLite in a temporary folder, or a fresh PostgreSQL database.
 * `cleanup` closes nothing — close the store first — and removes the folder / drops the database.
 */
export async function openTestStore(dialect: 'sqlite' | 'postgres'): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  let store: Store;
  let cleanup: () => Promise<void>;
  if (dialect === 'postgres') {
    const database = await createTestDatabase();
    store = openStore(database.url, '/nonexistent');
    cleanup = database.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-store-'));
    store = openStore(undefined, dir);
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  await migrate(store);
  return { store, cleanup };
}
