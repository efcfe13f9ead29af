import { Command } from 'commander';
import { withStore, guarded } from './runtime.js';
import { SsprError } from '../errors/sspr-error.js';
import { isUserRole, userRoles, type UserRole } from '../admin/roles.js';
import { changeRole } from '../admin/role-changes.js';
import { systemClock } from '../store/clock.js';

function roleNamed(name: string): UserRole {
  if (!isUserRole(name)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `the role is ${userRoles.join(' or ')}, not "${name}"` });
  return name;
}

/** Grants (`held`) or takes away a role (src/admin/role-changes.ts) and prints what happened. */
export async function changeRoleFromCli(command: Command, role: UserRole, username: string, held: boolean, scopeGroup?: string): Promise<void> {
  const changed = await withStore(command, async ({ store, users, groups, cipher }) => {
    const found = await users.get(username);
    const scope = scopeGroup === undefined ? undefined : (await groups.get(scopeGroup)).name;
    return changeRole(store.db, { clock: systemClock, cipher }, 'cli', found, role, held, scope);
  });
  if (!changed) process.stdout.write(`${username} ${held ? 'already holds' : 'does not hold'} the ${role} role\n`);
  else process.stdout.write(held ? `assigned ${role} to ${username}\n` : `removed ${role} from ${username} (their sessions ended)\n`);
}

/** `sspr role assign|remove <role> <username>`: administrator and helpdesk rights. */
export function roleCommand(): Command {
  const role = new Command('role').description(`roles of accounts (${userRoles.join(', ')}); every change is audited`);
  role
    .command('assign <role> <username>')
    .description('grant a user a role')
    .option('--scope-group <group>', "helpdesk only: act only on this group's members (default: every account without a role)")
    .action(guarded(async (roleName: string, username: string, options: { scopeGroup?: string }, command: Command) => {
      await changeRoleFromCli(command, roleNamed(roleName), username, true, options.scopeGroup);
    }));
  role
    .command('remove <role> <username>')
    .description('take a role away from a user (their sessions end)')
    .action(guarded(async (roleName: string, username: string, _options: unknown, command: Command) => {
      await changeRoleFromCli(command, roleNamed(roleName), username, false);
    }));
  return role;
}
