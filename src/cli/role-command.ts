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
export async function changeRole(command: Command, role: UserRole, username: string, held: boolean): Promise<void> {
  const changed = await withStore(command, async ({ store, users, cipher }) => {
    const found = await users.get(username);
    return store.db.transaction().execute(async (trx) => {
      if (!(await new UsersRepository(trx, systemClock, cipher).setRole(found.id, role, held))) return false;
      if (!held) await new SessionsRepository(trx).deleteForUser(found.id);
      await audited(trx, { event: held ? 'role-assigned' : 'role-removed', outcome: 'success', userId: found.id, username: found.username, detail: { by: 'cli', role } });
      return true;
    });
  });
  if (!changed) process.stdout.write(`${username} ${held ? 'already holds' : 'does not hold'} the ${role} role\n`);
  else process.stdout.write(held ? `assigned ${role} to ${username}\n` : `removed ${role} from ${username} (their sessions ended)\n`);
}

/** `sspr role assign|remove <role> <username>`: administrator and helpdesk rights. */
export function roleCommand(): Command {
  const role = new Command('role').description(`roles of accounts (${userRoles.join(', ')}); every change is audited`);
  for (const [name, held, about] of [
    ['assign', true, 'grant a user a role'],
    ['remove', false, 'take a role away from a user (their sessions end)'],
  ] as const) {
    role
      .command(`${name} <role> <username>`)
      .description(about)
      .action(guarded(async (roleName: string, username: string, _options: unknown, command: Command) => {
        await changeRole(command, roleNamed(roleName), username, held);
      }));
  }
  return role;
}
