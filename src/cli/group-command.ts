import { Command } from 'commander';
import { withStore, guarded, audited, principalOf, auditedAccount } from './runtime.js';
import { printRows } from './print.js';
import { SsprError } from '../errors/sspr-error.js';

/** `sspr group add|add-member|remove-member|list`; groups nest, and membership counts transitively. */
export function groupCommand(): Command {
  const group = new Command('group').description('manage groups in the local directory');

  group
    .command('add <name>')
    .description('create a group')
    .action(guarded(async (name: string, _options: unknown, command: Command) => {
      if (!/^[^\p{Cc}]{1,256}$/u.test(name) || name.trim() === '') throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: 'a group name is 1 to 256 characters' });
      await withStore(command, ({ groups }) => groups.add(name));
      process.stdout.write(`created group ${name}\n`);
    }));

  group
    .command('add-member <group>')
    .description('add a user (--user) or a nested group (--group) to a group')
    .option('--user <username>', 'the user to add')
    .option('--group <name>', 'the group to nest')
    .action(guarded(async (name: string, options: { user?: string; group?: string }, command: Command) => {
      if ((options.user === undefined) === (options.group === undefined)) {
        throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: 'give exactly one of --user or --group' });
      }
      await withStore(command, async ({ groups, users }) => {
        const target = await groups.get(name);
        if (options.user !== undefined) await groups.addUser(target.id, (await users.get(options.user)).id);
        else await groups.addGroup(target, await groups.get(options.group as string));
      });
      process.stdout.write(`added ${options.user ?? options.group} to ${name}\n`);
    }));

  group
    .command('remove-member <group>')
    .description('remove a direct member, a user (--user) or a nested group (--group), from a group (audited)')
    .option('--user <username>', 'the user to remove')
    .option('--group <name>', 'the nested group to remove')
    .action(guarded(async (name: string, options: { user?: string; group?: string }, command: Command) => {
      await withStore(command, async (cli) => {
        const target = await cli.groups.get(name);
        const member = await principalOf(cli, options);
        if (!(await cli.groups.removeMember(target.id, member.type, member.id))) throw new SsprError('not-a-member', { params: { member: member.name, group: target.name } });
        await audited(cli.store.db, {
          event: 'group-member-removed',
          outcome: 'success',
          ...auditedAccount(member),
          detail: { by: 'cli', group: target.name, memberType: member.type, member: member.name },
        });
      });
      process.stdout.write(`removed ${options.user ?? options.group} from ${name}\n`);
    }));

  group
    .command('list')
    .description('list groups with their direct members')
    .option('--json', 'print JSON')
    .action(guarded(async (options: { json?: boolean }, command: Command) => {
      const rows = await withStore(command, async ({ groups }) =>
        (await groups.list()).map((g) => ({ name: g.name, users: g.users, groups: g.groups })),
      );
      printRows(rows, options.json === true);
    }));

  return group;
}
