import { Command } from 'commander';
import { withStore, guarded, audited } from './runtime.js';
import { SsprError } from '../errors/sspr-error.js';
import { isUserRole, userRoles, type UserRole } from '../admin/roles.js';
import { UsersRepository } from '../store/users-repository.js';
import { SessionsRepository } from '../store/sessions-repository.js';
import { systemClock } from '../store/clock.js';

function roleNamed(name: string): UserRole {
  if (!isUserRole(name)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `the role is ${userRoles.join(' or ')}, not "${name}"` });
  return name;
}

/**
 * Grants (`held`) or takes away a role and prints what happened. The change, the end of the account's sessions
 * (on taking a role away: a session never outlives the right it relied on) and the audit record are one
 * transaction. Asking for what already holds changes nothing and records nothing.
 */
export async function changeRole(command: Command, role: UserRole, username: string, held: boolean, scopeGroup?: string): Promise<void> {
  const changed = await withStore(command, async ({ store, users, groups, cipher }) => {
    const found = await users.get(username);
    const scope = scopeGroup === undefined ? null : (await groups.get(scopeGroup)).name;
    return store.db.transaction().execute(async (trx) => {
      const repository = new UsersRepository(trx, systemClock, cipher);
      const flagChanged = await repository.setRole(found.id, role, held);
      const before = (await repository.grantsOf(found.id)).helpdeskScope;
      const scopeChanged = held && role === 'helpdesk' && scopeGroup !== undefined && before !== scope;
      if (scopeChanged) await repository.setHelpdeskScope(found.id, scope);
      if (!flagChanged && !scopeChanged) return false;
      if (!held) await new SessionsRepository(trx).deleteForUser(found.id);
      const detail = held ? { by: 'cli', role, ...(role === 'helpdesk' ? { scope: scopeChanged ? scope : before } : {}) } : { by: 'cli', role };
      await audited(trx, { event: held ? 'role-assigned' : 'role-removed', outcome: 'success', userId: found.id, username: found.username, detail });
      return true;
    });
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
      await changeRole(command, roleNamed(roleName), username, true, options.scopeGroup);
    }));
  role
    .command('remove <role> <username>')
    .description('take a role away from a user (their sessions end)')
    .action(guarded(async (roleName: string, username: string, _options: unknown, command: Command) => {
      await changeRole(command, roleNamed(roleName), username, false);
    }));
  return role;
}
