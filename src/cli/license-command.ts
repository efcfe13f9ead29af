import { Command } from 'commander';
import { withStore, guarded, audited, principalOf, auditedAccount } from './runtime.js';
import { printRows } from './print.js';
import { LicencesRepository } from '../store/licences-repository.js';
import { SsprError } from '../errors/sspr-error.js';

const plans = ['sspr', 'sspr-writeback'];

/** `sspr license assign|unassign|list`: licence plans for users, directly or through (nested) groups. */
export function licenseCommand(): Command {
  const license = new Command('license').description('licence plans (sspr for cloud-only accounts, sspr-writeback for directory accounts)');
  license
    .command('assign <plan>')
    .description(`assign a plan (${plans.join(' or ')}) to a user or a group`)
    .option('--user <username>', 'the user')
    .option('--group <name>', 'the group (members and nested groups inherit it)')
    .action(guarded(async (plan: string, options: { user?: string; group?: string }, command: Command) => {
      if (!plans.includes(plan)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `the plan is ${plans.join(' or ')}, not "${plan}"` });
      await withStore(command, async (cli) => {
        const principal = await principalOf(cli, options);
        await new LicencesRepository(cli.store.db, cli.groups).assign(plan, principal.type, principal.id);
      });
      process.stdout.write(`assigned ${plan} to ${options.user ?? `group ${options.group}`}\n`);
    }));
  license
    .command('unassign <plan>')
    .description('take a plan away from a user or a group it was assigned to directly (audited)')
    .option('--user <username>', 'the user')
    .option('--group <name>', 'the group')
    .action(guarded(async (plan: string, options: { user?: string; group?: string }, command: Command) => {
      await withStore(command, async (cli) => {
        const principal = await principalOf(cli, options);
        if (!(await new LicencesRepository(cli.store.db, cli.groups).unassign(plan, principal.type, principal.id))) {
          throw new SsprError('licence-not-assigned', { params: { plan, principal: principal.name } });
        }
        await audited(cli.store.db, {
          event: 'licence-unassigned',
          outcome: 'success',
          ...auditedAccount(principal),
          detail: { by: 'cli', plan, principalType: principal.type, principal: principal.name },
        });
      });
      process.stdout.write(`unassigned ${plan} from ${options.user ?? `group ${options.group}`}\n`);
    }));

  license
    .command('list')
    .description('list assignments')
    .option('--json', 'print JSON')
    .action(guarded(async (options: { json?: boolean }, command: Command) => {
      const rows = await withStore(command, ({ store, groups }) => new LicencesRepository(store.db, groups).list());
      printRows(rows, options.json === true);
    }));
  return license;
}
