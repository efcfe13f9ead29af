import { Command } from 'commander';
import { configFrom, guarded } from './runtime.js';
import { openStore, migrate } from '../store/database.js';

/** `sspr migrate`: applies pending migrations (serve does it on start, too). */
export function migrateCommand(): Command {
  return new Command('migrate').description('apply database migrations').action(guarded(async (_options: unknown, command: Command) => {
    const config = configFrom(command);
    const store = openStore(config.databaseUrl, config.dataDir);
    try {
      const applied = await migrate(store);
      process.stdout.write(applied.length ? `applied ${applied.join(', ')} to ${store.location}\n` : `${store.location} is up to date\n`);
    } finally {
      await store.close();
    }
  }));
}
