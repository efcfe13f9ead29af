import { Command } from 'commander';
import { withStore, reportError } from './runtime.js';
import { readSecret } from './read-secret.js';
import { printRows } from './print.js';
import { hashPassword } from '../crypto/password-hash.js';
import { PolicyPasswordChecker, openBreachChecker, passwordSettingsFrom, type PasswordSubject } from '../policy/password-checker.js';
import { BannedTermsRepository } from '../store/banned-terms-repository.js';
import { PasswordHistoryRepository } from '../store/password-history-repository.js';
import { LocalDirectory } from '../directory/local/local-directory.js';
import { BreachCorpus } from '../password-policy/index.js';
import { systemClock } from '../store/clock.js';
import { configFrom, type CliStore } from './runtime.js';
import type { Config } from '../config/schema.js';
import { SsprError } from '../errors/sspr-error.js';
import { usernameKey, type UserRecord } from '../store/users-repository.js';
import { Throttles } from '../policy/throttles.js';
import { ThrottleRepository } from '../store/throttle-repository.js';
import { SignInThrottle } from '../session/sign-in-throttle.js';
import { deriveKeys, loadOrCreateMasterKey } from '../crypto/keys.js';
import { AuditRepository } from '../store/audit-repository.js';

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

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `sspr user add|list|show|disable|enable|set-password` on the local (cloud-only) directory. */
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
    .action(async (username: string, options: Record<string, string | boolean | undefined>, command: Command) => {
      try {
        if (!/^[^\s\p{Cc}]{1,256}$/u.test(username)) throw new SsprError('invalid-request', { params: { detail: 'a user name is 1 to 256 characters without spaces' } });
        const email = options.email as string | undefined;
        if (email !== undefined && !emailPattern.test(email)) throw new SsprError('invalid-request', { params: { detail: `"${email}" is not an e-mail address` } });
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
              await new AuditRepository(cli.store.db).record(Date.now(), {
                event: 'password-set', outcome: 'success', userId: user.id, username: user.username, detail: { path: 'cli-user-add', writtenBack: false },
              });
            }
            return user;
          });
        });
        process.stdout.write(`created user ${created.username}\n`);
      } catch (error) {
        reportError(error);
      }
    });

  user
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      try {
        const rows = await withStore(command, async ({ users }) => (await users.list()).map(summary));
        printRows(rows, options.json === true);
      } catch (error) {
        reportError(error);
      }
    });

  user
    .command('show <username>')
    .description('show one user, with groups')
    .option('--json', 'print JSON')
    .action(async (username: string, options: { json?: boolean }, command: Command) => {
      try {
        const row = await withStore(command, async ({ config, store, users, groups }) => {
          const found = await users.get(username);
          const throttleRepository = new ThrottleRepository(store.db, deriveKeys(loadOrCreateMasterKey(config.dataDir, config.secrets.masterKey)).keyFor('throttle'));
          const block = await new Throttles(throttleRepository, systemClock).blockedUntil(usernameKey(found.username));
          const signInBlock = await new SignInThrottle(throttleRepository, systemClock).nameBlockedUntil(found.username);
          return {
            ...summary(found),
            firstName: found.firstName,
            lastName: found.lastName,
            groups: await groups.groupsOfUser(found.id),
            hasPassword: found.passwordHash !== null,
            passwordChangedAt: found.passwordChangedAt ? new Date(found.passwordChangedAt).toISOString() : null,
            resetBlockedUntil: block ? new Date(block.until).toISOString() : null,
            resetBlockedBecause: block?.reason ?? null,
            signInBlockedUntil: signInBlock ? new Date(signInBlock).toISOString() : null,
          };
        });
        if (options.json) process.stdout.write(JSON.stringify(row, null, 2) + '\n');
        else for (const [key, value] of Object.entries(row)) process.stdout.write(`${key}: ${Array.isArray(value) ? value.join(', ') || '-' : value ?? '-'}\n`);
      } catch (error) {
        reportError(error);
      }
    });

  for (const [name, enabled] of [['disable', false], ['enable', true]] as const) {
    user
      .command(`${name} <username>`)
      .description(`${name} a user (a disabled user cannot sign in or reset)`)
      .action(async (username: string, _options: unknown, command: Command) => {
        try {
          await withStore(command, async ({ users }) => users.setEnabled((await users.get(username)).id, enabled));
          process.stdout.write(`${name}d user ${username}\n`);
        } catch (error) {
          reportError(error);
        }
      });
  }

  user
    .command('set-password <username>')
    .description('set a password (read from stdin, or a prompt on a terminal; never from the command line)')
    .action(async (username: string, _options: unknown, command: Command) => {
      try {
        const config = configFrom(command);
        await withStore(command, async (cli) => {
          const found = await cli.users.get(username);
          const directory = new LocalDirectory(cli.users, new PasswordHistoryRepository(cli.store.db), config.password.historyLength, systemClock);
          const password = await acceptedNewPassword(cli, config, {
            ...found,
            isInHistory: (candidate) => directory.isRecentPassword(found, candidate),
          });
          await directory.resetPassword(found, password);
          // This path sets the password in this service only. For a directory-managed account that is an
          // unsupported operation (the directory keeps the old one): say so, and audit it for the doctor.
          await new AuditRepository(cli.store.db).record(Date.now(), {
            event: 'password-set',
            outcome: 'success',
            userId: found.id,
            username: found.username,
            detail: { path: 'cli-set-password', writtenBack: false },
          });
          if (found.source !== 'local') {
            process.stderr.write(`sspr: warning: ${found.username} is managed in the ${found.source} directory; this password was NOT written back there (sspr doctor shows it as unsupported-operation)\n`);
          }
        });
        process.stdout.write(`password set for ${username}\n`);
      } catch (error) {
        reportError(error);
      }
    });

  return user;
}
