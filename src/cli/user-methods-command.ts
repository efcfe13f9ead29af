import { Command } from 'commander';
import { withStore, guarded, audited } from './runtime.js';
import { printRows } from './print.js';
import { RegistrationsRepository } from '../store/registrations-repository.js';
import { SsprError } from '../errors/sspr-error.js';
import { requireReregistration } from '../admin/require-reregistration.js';

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

/** `sspr user methods list|remove|reregister`: a user's registered verification methods (never their secrets or addresses). */
export function userMethodsCommand(): Command {
  const methods = new Command('methods').description("a user's registered verification methods");

  methods
    .command('list <username>')
    .description('list the methods a user registered (id, type and dates; never the registered data)')
    .option('--json', 'print JSON')
    .action(guarded(async (username: string, options: { json?: boolean }, command: Command) => {
      const rows = await withStore(command, async ({ store, users, cipher }) => {
        const found = await users.get(username);
        return (await new RegistrationsRepository(store.db, cipher).listForUser(found.id)).map((r) => ({
          id: r.id,
          type: r.type,
          created: iso(r.createdAt),
          confirmed: iso(r.confirmedAt),
          lastUsed: iso(r.lastUsedAt),
        }));
      });
      printRows(rows, options.json === true);
    }));

  methods
    .command('remove <username> <method>')
    .description('remove one registration (by id) or every registration of a type (e.g. email); each removal is audited')
    .action(guarded(async (username: string, method: string, _options: unknown, command: Command) => {
      const removed = await withStore(command, async ({ store, users, cipher }) => {
        const found = await users.get(username);
        const registrations = new RegistrationsRepository(store.db, cipher);
        const chosen = (await registrations.listForUser(found.id)).filter((r) => r.id === method || r.type === method);
        if (chosen.length === 0) throw new SsprError('registration-not-found', { params: { username: found.username, method } });
        let count = 0;
        for (const registration of chosen) {
          if (!(await registrations.remove(found.id, registration.id))) continue;
          count++;
          await audited(store.db, { event: 'method-removed', outcome: 'success', userId: found.id, username: found.username, detail: { method: registration.type, by: 'cli' } });
        }
        return count;
      });
      process.stdout.write(`removed ${removed} method registration${removed === 1 ? '' : 's'} of ${username}\n`);
    }));

  methods
    .command('reregister <username>')
    .description('remove every registered method and ask the user to register again at next sign-in (audited; the console and the API also tell the owner, the CLI sends no mail)')
    .action(guarded(async (username: string, _options: unknown, command: Command) => {
      const { removed, name } = await withStore(command, async ({ store, users, cipher }) => {
        const found = await users.get(username);
        const done = await requireReregistration({
          registrations: new RegistrationsRepository(store.db, cipher),
          record: (entry) => audited(store.db, entry),
          now: () => Date.now(),
          notify: null,
        }, found, { label: 'cli' });
        return { removed: done.removed, name: found.username };
      });
      process.stdout.write(`removed ${removed.length} method registration${removed.length === 1 ? '' : 's'} of ${name}; ${name} must register again at next sign-in\n`);
    }));

  return methods;
}
