import { Command } from 'commander';
import { withStore, guarded, audited, principalOf, type CliStore } from './runtime.js';
import { printRows } from './print.js';
import { LicencesRepository } from '../store/licences-repository.js';
import { LicenceAssignments, licencePlans } from '../admin/licence-assignments.js';

/** The licence use-case over the command's store, audited `by: cli`. */
const assignmentsOf = (cli: CliStore) =>
  new LicenceAssignments({
    licences: new LicencesRepository(cli.store.db, cli.groups),
    principal: (named) => principalOf(cli, named),
    record: (entry) => audited(cli.store.db, entry),
  });

/** `sspr license assign|unassign|list`: licence plans for users, directly or through (nested) groups. */
export function licenseCommand(): Command {
  const license = new Command('license').description('licence plans (sspr for cloud-only accounts, sspr-writeback for directory accounts)');
  license
    .command('assign <plan>')
    .description(`assign a plan (${licencePlans.join(' or ')}) to a user or a group (audited)`)
    .option('--user <username>', 'the user')
    .option('--group <name>', 'the group (members and nested groups inherit it)')
    .action(guarded(async (plan: string, options: { user?: string; group?: string }, command: Command) => {
      await withStore(command, (cli) => assignmentsOf(cli).assign(plan, options, 'cli'));
      process.stdout.write(`assigned ${plan} to ${options.user ?? `group ${options.group}`}\n`);
    }));
  license
    .command('unassign <plan>')
    .description('take a plan away from a user or a group it was assigned to directly (audited)')
    .option('--user <username>', 'the user')
    .option('--group <name>', 'the group')
    .action(guarded(async (plan: string, options: { user?: string; group?: string }, command: Command) => {
      await withStore(command, (cli) => assignmentsOf(cli).unassign(plan, options, 'cli'));
      process.stdout.write(`unassigned ${plan} from ${options.user ?? `group ${options.group}`}\n`);
    }));

  license
    .command('list')
    .description('list assignments')
    .option('--json', 'print JSON')
    .action(guarded(async (options: { json?: boolean }, command: Command) => {
      const rows = await withStore(command, (cli) => assignmentsOf(cli).list());
      printRows(rows, options.json === true);
    }));
  return license;
}
