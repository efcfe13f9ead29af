import { Command } from 'commander';
import { guarded, withStore } from './runtime.js';
import { RegistrationsRepository } from '../store/registrations-repository.js';

/**
 * `sspr keys rotate [--retire]`: a new data-encryption key becomes current in the store's keyring, and every
 * encrypted value (contact data, method data) is re-encrypted under it. Running nodes of the same store follow
 * (they poll the keyring's version); the command waits between its steps until they have. With --retire, the old
 * keys are deleted afterwards.
 */
export function keysCommand(): Command {
  const keys = new Command('keys').description('encryption keys for data at rest');
  keys
    .command('rotate')
    .description('make a new data-encryption key current and re-encrypt everything under it')
    .option('--retire', 'delete the old keys once everything is re-encrypted')
    .action(guarded(async (options: { retire?: boolean }, command: Command) => {
      await withStore(command, async ({ store, keyring, users }) => {
        const keyId = await keyring.rotate();
        const reencryptedUsers = await users.reencrypt();
        const methods = await new RegistrationsRepository(store.db, keyring.cipher).reencrypt();
        await store.db.deleteFrom('pending_challenges').execute();
        process.stdout.write(`key ${keyId} is current; re-encrypted ${reencryptedUsers} users and ${methods} method registrations\n`);
        if (options.retire) {
          const retired = await keyring.retireOld();
          process.stdout.write(retired.length ? `retired ${retired.join(', ')}\n` : 'no stored old keys to retire (k0 is derived from the master key)\n');
        }
      });
    }));
  return keys;
}
