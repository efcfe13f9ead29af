import type { UsersRepository } from '../store/users-repository.js';
import type { GroupsRepository } from '../store/groups-repository.js';
import type { LicencesRepository } from '../store/licences-repository.js';
import type { RegistrationsRepository } from '../methods/records.js';

/**
 * The demo administrator's authenticator-app key. Administrators reset with two methods (adminPolicy), and
 * the demo has no SMS gateway, so dieter gets an app registered at seeding: with this key in any
 * authenticator app, the demo shows the two-gate rule (e-mail code, then app code) instead of a dead end.
 * A demo value, printed at every start; never use it outside the demo.
 */
export const DEMO_ADMIN_TOTP_KEY = 'DEMODIETERJBSWY3DPEHPK3P';

export const demoUsers = [
  { username: 'alice', firstName: 'Alice', lastName: 'Anders', email: 'alice@example.org', mobile: '+4915112345671' },
  { username: 'bob', firstName: 'Bob', lastName: 'Berger', email: 'bob@example.org', mobile: null },
  { username: 'carla', firstName: 'Carla', lastName: 'Müller', email: 'carla@example.org', mobile: '+4915112345673' },
  { username: 'dieter', firstName: 'Dieter', lastName: 'Schmidt', email: 'dieter@example.org', mobile: null, isAdmin: true },
] as const;

/**
 * Creates the demo organisation when the directory is empty: a few users with mail addresses, a nested
 * group structure and licences. The demo administrator's address is also a registered method, so the console's
 * step-up works out of the box (its code appears on /demo/outbox). Returns the user names created (empty when
 * users already existed).
 */
export async function seedDemoOrganisation(
  users: UsersRepository,
  groups: GroupsRepository,
  licences: LicencesRepository,
  registrations?: Pick<RegistrationsRepository, 'add'>,
  now = Date.now(),
): Promise<string[]> {
  if ((await users.count()) > 0) return [];
  const staff = await groups.add('Staff');
  const sales = await groups.add('Sales');
  await groups.addGroup(staff, sales);
  for (const demo of demoUsers) {
    const isAdmin = 'isAdmin' in demo && demo.isAdmin;
    const user = await users.add({ ...demo, isAdmin });
    if (isAdmin && registrations) await registrations.add(user.id, 'totp', { secret: DEMO_ADMIN_TOTP_KEY, lastStep: null, label: 'Demo app' }, now);
    if (isAdmin && registrations && demo.email) await registrations.add(user.id, 'email', { address: demo.email }, now);
    await groups.addUser(demo.username === 'alice' || demo.username === 'bob' ? sales.id : staff.id, user.id);
  }
  await licences.assign('sspr', 'group', staff.id);
  return demoUsers.map((u) => u.username);
}

/** One line per demo user saying whether they have a password yet, for the start-up message. */
export async function demoPasswordStatus(users: Pick<UsersRepository, 'list'>): Promise<string[]> {
  const names = new Set<string>(demoUsers.map((u) => u.username));
  return (await users.list())
    .filter((user) => names.has(user.username))
    .map((user) => `  ${user.username}${user.isAdmin ? ' (administrator)' : ''}: ${user.passwordHash ? 'has a password' : 'no password yet: use "I forgot my password"'}`);
}
