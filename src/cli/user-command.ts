import { Command } from 'commander';
import { unblockUser } from '../admin/unblock-user.js';
import { withStore, guarded, reportError, audited } from './runtime.js';
import { isIP } from 'node:net';
import { changeRoleFromCli } from './role-command.js';
import { userMethodsCommand } from './user-methods-command.js';
import { readSecret } from './read-secret.js';
import { printRows } from './print.js';
import { hashPassword } from '../crypto/password-hash.js';
import { PolicyPasswordChecker, openBreachChecker, passwordSettingsFrom, type PasswordSubject } from '../policy/password-checker.js';
import { BannedTermsRepository } from '../store/banned-terms-repository.js';
import { BreachCorpus } from '../password-policy/index.js';
import { systemClock } from '../store/clock.js';
import { configFrom, type CliStore } from './runtime.js';
import type { Config } from '../config/schema.js';
import { SsprError } from '../errors/sspr-error.js';
import { usernameKey, type UserRecord } from '../store/users-repository.js';
import { Throttles } from '../policy/throttles.js';
import { ThrottleRepository } from '../store/throttle-repository.js';
import { SignInThrottle } from '../session/sign-in-throttle.js';
import { AuditRepository } from '../store/audit-repository.js';
import type { AuditDetail, AuditEntry } from '../audit/audit-events.js';

/** The audit entry of a password this command set in this service only (never written back: the doctor reads it). */
function passwordSet(user: UserRecord, path: AuditDetail<'password-set'>['path']): AuditEntry<'password-set'> {
  return { event: 'password-set', outcome: 'success', userId: user.id, username: user.username, detail: { path, writtenBack: false } };
}
import { SessionsRepository } from '../store/sessions-repository.js';
import { createServices, type Services } from '../app/services.js';
import { createLogger } from '../app/logger.js';
import { liftFreeze } from '../integrity/account-freeze.js';
import { IntegrityRepository } from '../store/integrity-repository.js';

const summary = (u: UserRecord) => ({
  username: u.username,
  displayName: u.displayName,
  email: u.email,
  mobile: u.mobile,
  enabled: u.enabled,
  admin: u.isAdmin,
  source: u.source,
});

/**
 * Reads a new password and checks it with the service's full policy (custom banned list, breach corpus,
 * history) for this user; throws `password-rejected` with the reasons.
 */
async function acceptedNewPassword(cli: CliStore, config: Config, subject: PasswordSubject): Promise<string> {
  const password = (await readSecret(`New password for ${subject.username}: `)).normalize('NFC');
  const breach = await openBreachChecker(config);
  try {
    const checker = new PolicyPasswordChecker(passwordSettingsFrom(config), new BannedTermsRepository(cli.store.db), config.organisation.name, breach, systemClock);
    const verdict = await checker.check(password, subject, 'en');
    if (!verdict.accepted) {
      throw new SsprError('password-rejected', { params: { reasons: verdict.reasons.map((r) => r.message).join(' ') } });
    }
    return password;
  } finally {
    if (breach instanceof BreachCorpus) await breach.close();
  }
}

/** The reset throttles and the sign-in throttle, on the store's throttle records. */
function throttlesOf({ store, keys }: CliStore): { reset: Throttles; signIn: SignInThrottle } {
  const repository = new ThrottleRepository(store.db, keys.keyFor('throttle'));
  return { reset: new Throttles(repository, systemClock), signIn: new SignInThrottle(repository, systemClock) };
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `sspr user add|list|show|disable|enable|delete|unblock|methods|set-password`: cloud-only users, and passwords of any account. */
export function userCommand(): Command {
  const user = new Command('user').description('manage cloud-only users in the local directory');

  user
    .command('add <username>')
    .description('create a user; with --password-stdin the password is read from standard input')
    .option('--email <address>', 'e-mail address (used for reset codes)')
    .option('--mobile <number>', 'mobile phone number')
    .option('--display-name <name>', 'display name (default: first and last name)')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--admin', 'make the user an administrator')
    .option('--password-stdin', 'read an initial password from stdin (or a prompt on a terminal)')
    .action(guarded(async (username: string, options: Record<string, string | boolean | undefined>, command: Command) => {
      if (!/^[^\s\p{Cc}]{1,256}$/u.test(username)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: 'a user name is 1 to 256 characters without spaces' });
      const email = options.email as string | undefined;
      if (email !== undefined && !emailPattern.test(email)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `"${email}" is not an e-mail address` });
      const config = configFrom(command);
      const created = await withStore(command, async (cli) => {
        if (await cli.users.findByUsername(username)) throw new SsprError('user-exists', { params: { username } });
        const subject = { username, firstName: options.firstName as string | undefined, lastName: options.lastName as string | undefined, displayName: options.displayName as string | undefined };
        const passwordHash = options.passwordStdin ? await hashPassword(await acceptedNewPassword(cli, config, subject)) : null;
        return cli.users.add({
          username,
          email: email ?? null,
          mobile: (options.mobile as string | undefined) ?? null,
          displayName: options.displayName as string | undefined,
          firstName: options.firstName as string | undefined,
          lastName: options.lastName as string | undefined,
          isAdmin: options.admin === true,
          passwordHash,
        }).then(async (user) => {
          if (passwordHash) {
            await new AuditRepository(cli.store.db).record(Date.now(), passwordSet(user, 'cli-user-add'));
          }
          return user;
        });
      });
      process.stdout.write(`created user ${created.username}\n`);
    }));

  user
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action(guarded(async (options: { json?: boolean }, command: Command) => {
      const rows = await withStore(command, async ({ users }) => (await users.list()).map(summary));
      printRows(rows, options.json === true);
    }));

  user
    .command('show <username>')
    .description('show one user, with groups')
    .option('--json', 'print JSON')
    .action(guarded(async (username: string, options: { json?: boolean }, command: Command) => {
      const row = await withStore(command, async (cli) => {
        const found = await cli.users.get(username);
        const { reset, signIn } = throttlesOf(cli);
        const block = await reset.blockedUntil(usernameKey(found.username));
        const signInBlock = await signIn.nameBlockedUntil(found.username);
        return {
          ...summary(found),
          roles: await cli.users.rolesOf(found.id),
          firstName: found.firstName,
          lastName: found.lastName,
          groups: await cli.groups.groupsOfUser(found.id),
          hasPassword: found.passwordHash !== null,
          passwordChangedAt: found.passwordChangedAt ? new Date(found.passwordChangedAt).toISOString() : null,
          resetBlockedUntil: block ? new Date(block.until).toISOString() : null,
          resetBlockedBecause: block?.reason ?? null,
          signInBlockedUntil: signInBlock ? new Date(signInBlock).toISOString() : null,
        };
      });
      if (options.json) process.stdout.write(JSON.stringify(row, null, 2) + '\n');
      else for (const [key, value] of Object.entries(row)) process.stdout.write(`${key}: ${Array.isArray(value) ? value.join(', ') || '-' : value ?? '-'}\n`);
    }));

  // Switches on an account; disabling ends the account's sessions at once (every request also re-reads the
  // account, so a session never outlives the right it relied on).
  const switches = [
    { name: 'disable', about: 'disable a user (a disabled user cannot sign in or reset; their sessions end)', enabled: false },
    { name: 'enable', about: 'enable a user', enabled: true },
  ] as const;
  for (const { name, about, enabled } of switches) {
    user
      .command(`${name} <username>`)
      .description(about)
      .action(guarded(async (username: string, _options: unknown, command: Command) => {
        await withStore(command, async ({ store, users }) => {
          const found = await users.get(username);
          await users.setFlags(found.id, { enabled });
          if (!enabled) await new SessionsRepository(store.db).deleteForUser(found.id);
        });
        process.stdout.write(`${name}d user ${username}\n`);
      }));
  }

  // Aliases of `sspr role assign|remove administrator`: one place changes roles.
  for (const [name, held] of [['promote', true], ['demote', false]] as const) {
    user
      .command(`${name} <username>`)
      .description(`same as: sspr role ${held ? 'assign' : 'remove'} administrator <username>`)
      .action(guarded(async (username: string, _options: unknown, command: Command) => {
        await changeRoleFromCli(command, 'administrator', username, held);
      }));
  }

  user
    .command('delete <username>')
    .description('delete a cloud-only user with its registrations, sessions and reset flows (one transaction, audited)')
    .option('--json', 'print JSON')
    .action(guarded(async (username: string, options: { json?: boolean }, command: Command) => {
      const removed = await withStore(command, async ({ users }) => {
        const found = await users.get(username);
        if (found.source !== 'local') throw new SsprError('directory-account', { params: { username: found.username, source: found.source } });
        return users.delete(found.id, (trx, counts) =>
          audited(trx, { event: 'user-deleted', outcome: 'success', userId: found.id, username: found.username, detail: { by: 'cli', ...counts } }),
        );
      });
      if (options.json) process.stdout.write(JSON.stringify({ username, ...removed }) + '\n');
      else process.stdout.write(`deleted user ${username} (${removed.registrations} registrations, ${removed.sessions} sessions, ${removed.flows} reset flows)\n`);
    }));

  user
    .command('unblock <username>')
    .description('lift the reset throttle block and the sign-in throttle block of a user (audited)')
    .option('--ip <address>', 'also lift the sign-in block of this client address')
    .option('--json', 'print JSON')
    .action(guarded(async (username: string, options: { ip?: string; json?: boolean }, command: Command) => {
      if (options.ip !== undefined && isIP(options.ip) === 0) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `"${options.ip}" is not an IP address` });
      const lifted = await withStore(command, async (cli) => {
        const found = await cli.users.get(username);
        const before = await unblockUser(cli.store.db, cli.keys.keyFor('throttle'), systemClock, found, options.ip);
        await audited(cli.store.db, { event: 'user-unblocked', outcome: 'success', userId: found.id, username: found.username, detail: { by: 'cli', ...before, client: options.ip } });
        return before;
      });
      if (options.json) process.stdout.write(JSON.stringify({ username, ...lifted }) + '\n');
      else process.stdout.write(`unblocked ${username} (reset block: ${lifted.resetBlock ? 'lifted' : 'none'}, sign-in block: ${lifted.signInBlock ? 'lifted' : 'none'})\n`);
    }));

  user
    .command('unfreeze <username>')
    .description('lift the "this wasn\'t me" freeze of an account: self-service (reset, change, unlock, registration) works again (audited)')
    .option('--json', 'print JSON')
    .action(guarded(async (username: string, options: { json?: boolean }, command: Command) => {
      const unfrozen = await withStore(command, (cli) =>
        liftFreeze({ users: cli.users, repository: new IntegrityRepository(cli.store.db), audit: { record: (entry) => audited(cli.store.db, entry) } }, username, 'cli'),
      );
      if (options.json) process.stdout.write(JSON.stringify({ username, unfrozen }) + '\n');
      else process.stdout.write(unfrozen ? `unfroze ${username}: self-service works again\n` : `${username} was not frozen\n`);
    }));

  user
    .command('frozen')
    .description('list the accounts whose self-service is frozen ("this wasn\'t me")')
    .option('--json', 'print JSON')
    .action(guarded(async (options: { json?: boolean }, command: Command) => {
      const frozen = await withStore(command, (cli) => new IntegrityRepository(cli.store.db).listFrozen());
      const rows = frozen.map((f) => ({ username: f.username, notice: f.notice, frozenAt: new Date(f.frozenAt).toISOString() }));
      printRows(rows, options.json ?? false);
    }));

  user.addCommand(userMethodsCommand());

  user
    .command('set-password <username>')
    .description('set a password like a helpdesk reset: the full policy, written back to a directory account\'s directory (read from stdin, or a prompt on a terminal; never from the command line)')
    .option('--local-only', 'break-glass: store the password in this service only, even for a directory account (audited as not written back; the doctor reports it)')
    .action(async (username: string, options: { localOnly?: boolean }, command: Command) => {
      let services: Services | undefined;
      try {
        services = await createServices({ ...configFrom(command), log: { level: 'silent' } }, createLogger('silent'));
        const found = await services.directory.findUser(username);
        if (!found) throw new SsprError('user-not-found', { params: { username } });
        const password = await readSecret(`New password for ${found.username}: `);
        const act = { origin: options.localOnly ? 'cli-local-only' : 'cli', password } as const;
        const { writtenBack } = await services.setPassword.run(found, act, { request: { lang: 'en', ip: '', userAgent: 'sspr-cli' } });
        if (found.source !== 'local' && !writtenBack) {
          process.stderr.write(`sspr: warning: ${found.username} is managed in the ${found.source} directory; this password was NOT written back there (sspr doctor shows it as unsupported-operation)\n`);
        }
        await services.close();
      } catch (error) {
        await services?.close().catch(() => undefined);
        reportError(error);
      }
      process.stdout.write(`password set for ${username}\n`);
    });

  return user;
}
