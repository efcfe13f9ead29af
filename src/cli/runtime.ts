import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { openStore, migrate, type Store } from '../store/database.js';
import { systemClock } from '../store/clock.js';
import { UsersRepository } from '../store/users-repository.js';
import { GroupsRepository } from '../store/groups-repository.js';
import { SsprError } from '../errors/sspr-error.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { SharedKeyring } from '../crypto/shared-keyring.js';
import type { ServiceKeys } from '../crypto/keys.js';

/** The config for a command: `--config FILE` (on the root program) or SSPR_CONFIG, then the environment. */
export function configFrom(command: Command): Config {
  const root = command.optsWithGlobals() as { config?: string };
  return loadConfig({ file: root.config });
}

export interface CliStore {
  config: Config;
  store: Store;
  cipher: FieldCipher;
  keyring: SharedKeyring;
  keys: ServiceKeys;
  users: UsersRepository;
  groups: GroupsRepository;
}

/** Opens (and migrates) the store for an administrative command, runs `work`, and always closes it. */
export async function withStore<T>(command: Command, work: (cli: CliStore) => Promise<T>): Promise<T> {
  const config = configFrom(command);
  const store = openStore(config.databaseUrl, config.dataDir);
  try {
    await migrate(store);
    const { keys, keyring } = await SharedKeyring.open(store, config.dataDir, config.secrets.masterKey);
    const cipher = keyring.cipher;
    const users = new UsersRepository(store.db, systemClock, cipher);
    return await work({ config, store, cipher, keyring, keys, users, groups: new GroupsRepository(store.db, systemClock) });
  } finally {
    await store.close();
  }
}

/** Prints an error the way every command does: one sentence on stderr, exit code 1; never a stack trace. */
export function reportError(error: unknown): never {
  if (error instanceof SsprError) {
    process.stderr.write(`sspr: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`sspr: ${message}\n`);
    if (process.env.SSPR_TEST_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  }
  process.exit(1);
}
