import type { UsersRepository } from '../store/users-repository.js';
import type { GroupsRepository } from '../store/groups-repository.js';
import type { LicencesRepository } from '../store/licences-repository.js';
import type { RegistrationsRepository } from '../methods/records.js';

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
export async function seedDemoOrganisation(users: UsersRepository, groups: GroupsRepository, licences: LicencesRepository, registrations?: RegistrationsRepository, now = Date.now()): Promise<string[]> {
  if ((await users.count()) > 0) return [];
  const staff = await groups.add('Staff');
  const sales = await groups.add('Sales');
  await groups.addGroup(staff, sales);
  for (const demo of demoUsers) {
    const user = await users.add({ ...demo, isAdmin: 'isAdmin' in demo && demo.isAdmin });
    if (registrations && user.isAdmin && demo.email) await registrations.add(user.id, 'email', { address: demo.email }, now);
    await groups.addUser(demo.username === 'alice' || demo.username === 'bob' ? sales.id : staff.id, user.id);
  }
  await licences.assign('sspr', 'group', staff.id);
  return demoUsers.map((u) => u.username);
}
