/**
 * The helpdesk's user list: which accounts of a page a helpdesk grant may act on (no role; within a limited grant's
 * group, nested groups included), found in one query per page however long it is, on SQLite and PostgreSQL.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KyselyPlugin } from 'kysely';
import type { Store } from '../../src/store/database.js';
import { UsersRepository, usernameKey } from '../../src/store/users-repository.js';
import { GroupsRepository } from '../../src/store/groups-repository.js';
import { FieldCipher } from '../../src/crypto/field-cipher.js';
import { openTestStore } from '../support/test-store.js';
import { ManualClock } from '../support/manual-clock.js';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`helpdesk listing (${dialect})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let queries = 0;
    let users: UsersRepository;
    const clock = new ManualClock();
    const cipher = new FieldCipher({ currentKeyId: 'k0', keys: new Map([['k0', Buffer.alloc(32, 7)]]) });
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };

    before(async () => {
      ({ store, cleanup } = await openTestStore(dialect));
      const setup = new UsersRepository(store.db, clock, cipher);
      const groups = new GroupsRepository(store.db, clock);
      // Staff ⊃ Sales ⊃ Team, and a loop Loop1 ⊃ Loop2 ⊃ Loop1 written past the CLI's cycle check.
      const [staff, sales, team, other, loop1, loop2] = await Promise.all(['Staff', 'Sales', 'Team', 'Other', 'Loop1', 'Loop2'].map((name) => groups.add(name)));
      await groups.addGroup(staff!, sales!);
      await groups.addGroup(sales!, team!);
      await groups.addGroup(loop1!, loop2!);
      await store.db.insertInto('group_members').values({ group_id: loop2!.id, member_type: 'group', member_id: loop1!.id }).execute();
      const add = async (username: string, options: { isAdmin?: boolean; group?: { id: string } } = {}) => {
        const user = await setup.add({ username, isAdmin: options.isAdmin });
        if (options.group) await groups.addUser(options.group.id, user.id);
        return user;
      };
      await add('ada', { isAdmin: true, group: staff });
      const hal = await add('hal', { group: team });
      await setup.setRole(hal.id, 'helpdesk', true);
      await add('sam', { group: sales });
      await add('tia', { group: team });
      await add('vic', { group: staff });
      await add('olga', { group: other });
      await add('lou', { group: loop2 });
      await add('nora');
      for (let i = 0; i < 100; i++) await add(`bulk-${String(i).padStart(3, '0')}`, { group: i % 2 ? team : other });
      users = new UsersRepository(store.db.withPlugin(counting), clock, cipher);
    });
    after(async () => {
      await store?.close();
      await cleanup();
    });

    const names = ['ada', 'hal', 'sam', 'tia', 'vic', 'olga', 'lou', 'nora', 'nobody'];

    it('an unlimited grant: every account without a role', async () => {
      assert.deepEqual([...(await users.helpdeskActable(names, null))].sort(), ['lou', 'nora', 'olga', 'sam', 'tia', 'vic']);
    });

    it('a grant limited to a group: its members, through nested groups; a loop ends; names in any case', async () => {
      assert.deepEqual([...(await users.helpdeskActable(names, 'staff'))].sort(), ['sam', 'tia', 'vic']);
      assert.deepEqual([...(await users.helpdeskActable(names, 'Sales'))].sort(), ['sam', 'tia']);
      assert.deepEqual([...(await users.helpdeskActable(names, 'LOOP1'))].sort(), ['lou']);
      assert.deepEqual([...(await users.helpdeskActable(['SAM', 'Tia'], 'Staff'))].sort(), ['sam', 'tia']);
      assert.equal((await users.helpdeskActable(names, 'no such group')).size, 0);
      assert.equal((await users.helpdeskActable([], 'Staff')).size, 0);
    });

    it('one query for a page of 100 rows, limited or not', async () => {
      const page = Array.from({ length: 100 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);
      for (const scope of [null, 'Staff']) {
        queries = 0;
        const found = await users.helpdeskActable(page, scope);
        assert.equal(queries, 1, `${scope ?? 'unlimited'}: ${queries} queries`);
        assert.equal(found.size, scope === null ? 100 : 50);
        assert.ok(found.has(usernameKey('bulk-001')));
      }
    });
  });
}
