import { openStore, migrate } from '../src/store/database.js';
import { UsersRepository } from '../src/store/users-repository.js';
import { SharedKeyring } from '../src/crypto/shared-keyring.js';
import { systemClock } from '../src/store/clock.js';

/**
 * Adds cloud-only accounts (no password yet; e-mail `NAME@example.org`) to the SQLite store in `dataDir`, through
 * the service's own repository and keyring, skipping names already there. No server may use the store meanwhile.
 */
export async function addCloudUsers(dataDir: string, usernames: readonly string[]): Promise<number> {
  const store = openStore(undefined, dataDir);
  try {
    await migrate(store);
    const users = new UsersRepository(store.db, systemClock, (await SharedKeyring.open(store, dataDir)).keyring.cipher);
    let added = 0;
    for (const username of usernames) {
      if (await users.findByUsername(username)) continue;
      await users.add({ username, email: `${username}@example.org` });
      added++;
    }
    return added;
  } finally {
    await store.close();
  }
}
