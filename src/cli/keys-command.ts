import { Command } from 'commander';
import { configFrom, reportError } from './runtime.js';
import { addEncryptionKey, fieldCipherFor, loadOrCreateMasterKey, retireOldEncryptionKeys } from '../crypto/keys.js';
import { openStore, migrate } from '../store/database.js';
import { UsersRepository } from '../store/users-repository.js';
import { RegistrationsRepository } from '../store/registrations-repository.js';
import { systemClock } from '../store/clock.js';

/**
 * `sspr keys rotate [--retire]`: a new data-encryption key becomes current, and every encrypted value
 * (contact data, method data) is re-encrypted under it. Running servers pick the new key up by themselves
 * (they reload the keyring when they meet an unknown key id). With --retire, old keys are deleted afterwards.
 */
export function keysCommand(): Command {
  const keys = new Command('keys').description('encryption keys for data at rest');
  keys
    .command('rotate')
    .description('make a new data-encryption key current and re-encrypt everything under it')
    .option('--retire', 'delete the old keys once everything is re-encrypted')
    .action(async (options: { retire?: boolean }, command: Command) => {
      try {
        const config = configFrom(command);
        const masterKey = loadOrCreateMasterKey(config.dataDir, config.secrets.masterKey);
        const keyId = addEncryptionKey(config.dataDir);
        const cipher = fieldCipherFor(config.dataDir, masterKey);
        const store = openStore(config.databaseUrl, config.dataDir);
        try {
          await migrate(store);
          const users = await new UsersRepository(store.db, systemClock, cipher).reencrypt();
          const methods = await new RegistrationsRepository(store.db, cipher).reencrypt();
          await store.db.deleteFrom('pending_challenges').execute();
          process.stdout.write(`key ${keyId} is current; re-encrypted ${users} users and ${methods} method registrations\n`);
        } finally {
          await store.close();
        }
        if (options.retire) {
          const retired = retireOldEncryptionKeys(config.dataDir);
          process.stdout.write(retired.length ? `retired ${retired.join(', ')}\n` : 'no stored old keys to retire (k0 is derived from the master key)\n');
        }
      } catch (error) {
        reportError(error);
      }
    });
  return keys;
}
