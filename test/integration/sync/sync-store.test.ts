/**
 * `sspr sync` end to end into the real store, on SQLite and PostgreSQL: slapd (test/support/slapd.ts) → the LDAP
 * reader → DirectorySyncTarget. Users with encrypted contact data, nested groups, idempotence, incremental runs,
 * vanished accounts disabled, a user-name clash refused, and more accounts than one page and one insert statement.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Attribute, Change } from 'ldapts';
import { sql } from 'kysely';
import type { Store } from '../../../src/store/database.js';
import { UsersRepository } from '../../../src/store/users-repository.js';
import { GroupsRepository } from '../../../src/store/groups-repository.js';
import { ContactLookupRepository } from '../../../src/store/contact-lookup-repository.js';
import { FieldCipher } from '../../../src/crypto/field-cipher.js';
import { syncDirectory } from '../../../src/sync/directory-sync.js';
import { directorySectionSchema } from '../../../src/directory/registry.js';
import { PAGE_SIZE } from '../../../src/sync/paged-search.js';
import { SsprError } from '../../../src/errors/sspr-error.js';
import { systemClock } from '../../../src/store/clock.js';
import { openTestStore } from '../../support/test-store.js';
import { startSlapd, type Slapd } from '../../support/slapd.js';

const BASE_DN = 'dc=example,dc=org';
const BULK_USERS = PAGE_SIZE + 150;
const cipher = new FieldCipher({ currentKeyId: 'k0', keys: new Map([['k0', Buffer.alloc(32, 9)]]) });
/** Waits into the next second: modifyTimestamp has one-second resolution. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100 - (Date.now() % 1_000)));

let slapd: Slapd;

before(async () => {
  slapd = await startSlapd();
});
after(() => slapd?.stop());

/** Each store reads its own subtree (ou=sqlite / ou=postgres), so what one suite changes the other never sees. */
async function populate(root: string): Promise<void> {
  await slapd.asRoot(async (client) => {
    await client.add(root, { objectClass: ['organizationalUnit'], ou: root.slice(3, root.indexOf(',')) });
    for (const ou of ['staff', 'bulk']) await client.add(`ou=${ou},${root}`, { objectClass: ['organizationalUnit'], ou });
    const person = (uid: string, ou: string, extra: Record<string, string> = {}) =>
      client.add(`uid=${uid},ou=${ou},${root}`, { objectClass: ['inetOrgPerson'], uid, cn: `${uid} Test`, givenName: uid, sn: 'Test', ...extra });
    await person('ann', 'staff', { mail: 'ann@example.org', mobile: '+4915123456789' });
    await person('bob', 'staff', { mail: 'bob@example.org' });
    for (let i = 0; i < BULK_USERS; i++) await person(`bulk${String(i).padStart(4, '0')}`, 'bulk', { mail: `bulk${i}@example.org` });
    await client.add(`cn=admins,ou=staff,${root}`, { objectClass: ['groupOfNames'], cn: 'admins', member: [`uid=bob,ou=staff,${root}`] });
    await client.add(`cn=everyone,ou=staff,${root}`, {
      objectClass: ['groupOfNames'],
      cn: 'everyone',
      member: [`uid=ann,ou=staff,${root}`, `cn=admins,ou=staff,${root}`, `uid=bulk0000,ou=bulk,${root}`],
    });
  });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`sync into the store (${dialect})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let users: UsersRepository;
    let groups: GroupsRepository;
    const root = `ou=${dialect},${BASE_DN}`;
    const directory = () => directorySectionSchema.parse({
      kind: 'ldap',
      url: slapd.ldapsUrl,
      caFile: slapd.caFile,
      bindDn: slapd.serviceDn,
      bindPassword: slapd.servicePassword,
      baseDn: root,
    });
    // As `sspr sync` runs it: with the store to itself (a first import builds its look-up indexes at the end).
    const sync = (full = false) => syncDirectory(directory(), store, cipher, systemClock, { full, exclusive: true });

    before(async () => {
      ({ store, cleanup } = await openTestStore(dialect));
      users = new UsersRepository(store.db, systemClock, cipher);
      groups = new GroupsRepository(store.db, systemClock);
      await populate(root);
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    test('the first run is full: every user, contact data encrypted, nested groups', async () => {
      const summary = await sync();
      assert.equal(summary.mode, 'full');
      assert.deepEqual(summary.accounts, { created: BULK_USERS + 2, updated: 0, unchanged: 0, disabled: 0 });
      assert.deepEqual(summary.groups, { created: 2, updated: 0, unchanged: 0 });
      const ann = await users.get('ann');
      assert.equal(ann.source, 'ldap');
      assert.equal(ann.email, 'ann@example.org');
      assert.equal(ann.mobile, '+4915123456789');
      assert.equal(ann.enabled, true);
      assert.match(ann.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'time-ordered id (UUIDv7)');
      const raw = await store.db.selectFrom('users').select(['email', 'mobile']).where('id', '=', ann.id).executeTakeFirstOrThrow();
      assert.match(raw.email ?? '', /^enc:v1:k0:/);
      assert.match(raw.mobile ?? '', /^enc:v1:k0:/);
      assert.equal((await users.get('bulk0149')).email, 'bulk149@example.org');
      assert.deepEqual(await groups.groupsOfUser((await users.get('bob')).id), ['admins', 'everyone'], 'nested membership');
      assert.deepEqual(await groups.groupsOfUser((await users.get('bulk0000')).id), ['everyone']);
      assert.deepEqual(await new ContactLookupRepository(store.db, cipher).usernamesByEmail('Ann@example.org'), ['ann'], 'look-up tags written');
      if (dialect === 'sqlite') {
        const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'users'`.execute(store.db);
        const names = rows.map((row) => row.name);
        for (const name of ['users_email_lookup', 'users_display_name_lower']) assert.ok(names.includes(name), `${name} is built again at the end`);
      }
    });

    test('a second run is incremental and changes nothing; a full one reports everything unchanged', async () => {
      const quiet = await sync();
      assert.equal(quiet.mode, 'incremental');
      assert.equal(quiet.accounts.created + quiet.accounts.updated + quiet.accounts.disabled, 0);
      const full = await sync(true);
      assert.deepEqual(full.accounts, { created: 0, updated: 0, unchanged: BULK_USERS + 2, disabled: 0 });
      assert.deepEqual(full.groups, { created: 0, updated: 0, unchanged: 2 });
    });

    test('an incremental run updates a changed user; a full run disables a deleted one', async () => {
      await nextSecond();
      await slapd.asRoot((client) =>
        client.modify(`uid=ann,ou=staff,${root}`, [
          new Change({ operation: 'replace', modification: new Attribute({ type: 'mail', values: ['ann@new.example.org'] }) }),
          new Change({ operation: 'delete', modification: new Attribute({ type: 'mobile' }) }),
        ]),
      );
      const changed = await sync();
      assert.equal(changed.accounts.updated, 1);
      const ann = await users.get('ann');
      assert.equal(ann.email, 'ann@new.example.org');
      assert.equal(ann.mobile, null);

      await slapd.deleteEntry(`uid=bulk0001,ou=bulk,${root}`);
      assert.equal((await sync()).accounts.disabled, 0, 'an incremental run cannot see deletions');
      const full = await sync(true);
      assert.equal(full.accounts.disabled, 1);
      assert.equal((await users.get('bulk0001')).enabled, false);
      assert.equal((await sync(true)).accounts.disabled, 0, 'disabled once');
    });

    test('a directory user whose name a local user holds stops the run with user-exists', async () => {
      await users.add({ username: 'cid' });
      await slapd.addEntry(`uid=cid,ou=staff,${root}`, { objectClass: ['inetOrgPerson'], uid: 'cid', cn: 'cid Test', sn: 'Test' });
      try {
        await assert.rejects(sync(true), (error: unknown) => error instanceof SsprError && error.code === 'user-exists');
        assert.equal((await users.get('cid')).source, 'local', 'the local user is untouched');
      } finally {
        await slapd.deleteEntry(`uid=cid,ou=staff,${root}`);
      }
    });
  });
}
