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
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { AuditRepository } from '../store/audit-repository.js';
import type { AuditEntry, AuditEventName } from '../audit/audit-events.js';

/** The config for a command: `--config FILE` (on the root program) or SSPR_CONFIG, then the environment. */
export function configFrom(command: Command): Config {
  const root = command.optsWithGlobals() as { config?: string };
  const config = loadConfig({ file: root.config });
  commandSinks = config.audit.sinks.map((sink) => sink.id);
  return config;
}

/** The audit sinks of the configuration this command loaded: what a command records is queued for them too. */
let commandSinks: readonly string[] = [];

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

/** A user or a group a command names with `--user NAME` or `--group NAME`. */
export interface Principal {
  type: 'user' | 'group';
  id: string;
  name: string;
}

/** The principal of `--user` / `--group`: exactly one must be given, and it must exist. */
export async function principalOf({ users, groups }: CliStore, options: { user?: string; group?: string }): Promise<Principal> {
  if ((options.user === undefined) === (options.group === undefined)) {
    throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: 'give exactly one of --user or --group' });
  }
  if (options.user !== undefined) {
    const user = await users.get(options.user);
    return { type: 'user', id: user.id, name: user.username };
  }
  const group = await groups.get(options.group as string);
  return { type: 'group', id: group.id, name: group.name };
}

/** The account fields of an audit entry about a principal (a group has none). */
export const auditedAccount = (principal: Principal) => (principal.type === 'user' ? { userId: principal.id, username: principal.name } : {});

/** Records what a command changed (in `db`: the store, or the transaction that made the change). */
export async function audited<E extends AuditEventName>(db: Kysely<Database>, entry: AuditEntry<E>): Promise<void> {
  await new AuditRepository(db).record(Date.now(), entry, commandSinks);
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

/** A command's action with every error reported the way every command does (see `reportError`). */
export function guarded<A extends unknown[]>(action: (...args: A) => void | Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      reportError(error);
    }
  };
}
