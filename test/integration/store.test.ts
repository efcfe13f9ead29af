import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore, migrate, type Store } from '../../src/store/database.js';
import { UsersRepository } from '../../src/store/users-repository.js';
import { GroupsRepository } from '../../src/store/groups-repository.js';
import { LicencesRepository } from '../../src/store/licences-repository.js';
import { RegistrationsRepository } from '../../src/store/registrations-repository.js';
import { FlowsRepository } from '../../src/store/flows-repository.js';
import { SessionsRepository } from '../../src/store/sessions-repository.js';
import { AuditRepository } from '../../src/store/audit-repository.js';
import { ThrottleRepository } from '../../src/store/throttle-repository.js';
import { Throttles } from '../../src/policy/throttles.js';
import { defaultSsprPolicy } from '../../src/policy/sspr-policy.js';
import { DoctorRepository } from '../../src/store/doctor-repository.js';
import { doctorReads } from '../../src/doctor/audit-reads.js';
import { throttledCheck } from '../../src/doctor/checks/throttle-check.js';
import type { ServiceRunFacts } from '../../src/doctor/facts.js';
import { usernameKey } from '../../src/store/users-repository.js';
import { RemindersRepository } from '../../src/store/reminders-repository.js';
import { SettingsRepository } from '../../src/store/settings-repository.js';
import { READINESS_JOB, REFRESH_MS, ResetReadiness } from '../../src/doctor/reset-readiness.js';
import { createTestDatabase } from '../support/postgres.js';
import { ManualClock } from '../support/manual-clock.js';
import { SsprError } from '../../src/errors/sspr-error.js';
import { FieldCipher } from '../../src/crypto/field-cipher.js';
import { ContactLookupRepository } from '../../src/store/contact-lookup-repository.js';
import { DirectoryAccounts } from '../../src/store/directory-accounts.js';

/** The same repository tests against SQLite and PostgreSQL, in the same run. */
for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`store repositories (${dialect})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const clock = new ManualClock();
    const cipher = new FieldCipher({ currentKeyId: 'k0', keys: new Map([['k0', Buffer.alloc(32, 7)]]) });

    before(async () => {
      if (dialect === 'postgres') {
        const database = await createTestDatabase();
        store = openStore(database.url, '/nonexistent');
        cleanup = database.drop;
      } else {
        const dir = mkdtempSync(join(tmpdir(), 'sspr-store-'));
        store = openStore(undefined, dir);
        cleanup = async () => rmSync(dir, { recursive: true, force: true });
      }
      assert.deepEqual(await migrate(store), ['001-initial', '002-password-policy', '003-methods-policy', '004-directory-accounts', '005-writeback-agents', '006-admin-tokens', '007-flow-claim', '008-rate-limit', '009-keyring', '010-agent-envelope', '011-roles', '012-user-indexes', '013-console-auth', '014-console-pages', '015-helpdesk', '016-reminders', '017-delivery-queue', '018-integrity', '019-reregistration', '020-lookup-indexes', '021-agent-features', '022-job-features', '023-throttle-block-account', '024-operator-index']);
      assert.deepEqual(await migrate(store), [], 'migrations are idempotent');
    });
    after(async () => {
      await store?.close();
      await cleanup();
    });

    it("per-user session and flow lookups of a password write, and the console's operator list, use an index (no table scan)", { skip: dialect !== 'sqlite' && 'EXPLAIN QUERY PLAN is SQLite syntax; a PostgreSQL plan depends on table statistics' }, async () => {
      const plans = [
        sql`explain query plan delete from sessions where user_id = ${'u'} and id_digest != ${'d'}`,
        sql`explain query plan select id_digest from reset_flows where user_id = ${'u'} and state in (${'started'}, ${'verified'})`,
        // UsersRepository.operators' condition, with literal values as the partial index has them.
        sql`explain query plan select id from users where is_admin = 1 or is_helpdesk = 1 order by username_key`,
      ];
      for (const plan of plans) {
        const { rows } = await plan.execute(store.db);
        const detail = rows.map((row) => String((row as { detail?: unknown }).detail)).join(' | ');
        assert.match(detail, /USING (COVERING )?INDEX (sessions_user|reset_flows_user|users_operators)/, detail);
      }
    });

    it('users: unique case-insensitive NFC names, lookups, enable/disable, password hash', async () => {
      const users = new UsersRepository(store.db, clock, cipher);
      const zoe = await users.add({ username: 'Zoë', firstName: 'Zoë', lastName: 'Zed', email: 'zoe@example.org' });
      assert.equal(zoe.displayName, 'Zoë Zed');
      assert.equal((await users.findByUsername('ZOE\u0308'))?.id, zoe.id, 'decomposed input finds the NFC name');
      await assert.rejects(users.add({ username: 'zoë' }), (e: unknown) => e instanceof SsprError && e.code === 'user-exists');
      await users.setEnabled(zoe.id, false);
      assert.equal((await users.findById(zoe.id))?.enabled, false);
      await users.setPasswordHash(zoe.id, '$argon2id$fake');
      const updated = await users.get('zoë');
      assert.equal(updated.passwordHash, '$argon2id$fake');
      assert.equal(updated.passwordChangedAt, clock.now());
      assert.equal(typeof updated.createdAt, 'number', 'bigints come back as numbers');
      await users.add({ username: 'yann', email: 'yann@example.org' });
      await users.add({ username: 'xavier', email: 'x@other.example' });
      assert.equal(await users.count(), 3);
      assert.equal(await users.mostCommonEmailDomain(), 'example.org');
    });

    it('a directory as large as a real one: a group past the parameter limits, then only its difference written; anchors read page by page', async () => {
      const count = 12_000; // 3 values a member: 36,000 parameters in one statement, past SQLite's 32,766
      const at = clock.now();
      const account = (i: number) => ({ id: `big-u${i}`, username: `big${i}`, username_key: `big${i}`, display_name: `Big ${i}`, first_name: 'Big', last_name: String(i), source: 'ldap', anchor: `big-a${i}`, enabled: 1, is_admin: 0, created_at: at, updated_at: at });
      for (let i = 0; i < count; i += 500) await store.db.insertInto('users').values(Array.from({ length: Math.min(500, count - i) }, (_, k) => account(i + k))).execute();
      await store.db.insertInto('groups').values({ id: 'big-g', name: 'Everyone (directory)', name_key: 'everyone (directory)', source: 'ldap', anchor: 'big-ga', created_at: at }).execute();
      const groups = new GroupsRepository(store.db, clock);
      const members = async () => (await store.db.selectFrom('group_members').select('member_id').where('group_id', '=', 'big-g').execute()).map((m) => m.member_id).sort();
      const anchors = Array.from({ length: count }, (_, i) => `big-a${i}`);
      await groups.setDirectoryMembers('ldap', 'big-ga', [...anchors, 'unknown-anchor', 'big-ga']);
      assert.equal((await members()).length, count, 'every account, no unknown anchor, not the group itself');
      assert.equal((await new DirectoryAccounts(store.db, clock, cipher, 'ldap').anchors()).size, count, "a full run's preload of anchors, page by page");
      // One member leaves; another is named twice (a repeated value in the directory).
      const next = [...anchors.filter((a) => a !== 'big-a5'), 'big-a1'];
      await groups.setDirectoryMembers('ldap', 'big-ga', next);
      const after = await members();
      assert.equal(after.length, count - 1);
      assert.ok(!after.includes('big-u5') && after.includes('big-u0'));
      await store.db.deleteFrom('group_members').where('group_id', '=', 'big-g').execute();
      await store.db.deleteFrom('groups').where('id', '=', 'big-g').execute();
      await store.db.deleteFrom('users').where('id', 'like', 'big-u%').execute();
    });

    it('groups: nested membership is transitive, loops are refused, licences flow through groups', async () => {
      const users = new UsersRepository(store.db, clock, cipher);
      const groups = new GroupsRepository(store.db, clock);
      const licences = new LicencesRepository(store.db, groups);
      const yann = await users.get('yann');
      const [all, staff, sales] = [await groups.add('All'), await groups.add('Staff'), await groups.add('Sales')];
      await groups.addGroup(all, staff);
      await groups.addGroup(staff, sales);
      await groups.addUser(sales.id, yann.id);
      await groups.addUser(sales.id, yann.id);
      assert.deepEqual(await groups.groupsOfUser(yann.id), ['All', 'Sales', 'Staff']);
      await assert.rejects(groups.addGroup(sales, all), (e: unknown) => e instanceof SsprError && e.code === 'group-cycle');
      await assert.rejects(groups.addGroup(sales, sales), (e: unknown) => e instanceof SsprError && e.code === 'group-cycle');
      await licences.assign('sspr', 'group', all.id);
      await licences.assign('sspr-writeback', 'user', yann.id);
      assert.deepEqual(await licences.plansOf(yann.id), ['sspr', 'sspr-writeback']);
      assert.deepEqual(await licences.plansOf((await users.get('xavier')).id), []);
      const listed = await groups.list();
      assert.deepEqual(listed.find((g) => g.name === 'Sales')?.users, ['yann']);
      assert.deepEqual(listed.find((g) => g.name === 'Staff')?.groups, ['Sales'], 'member groups by name');
      assert.deepEqual((await licences.list()).map((a) => [a.plan, a.principalType, a.principal]), [['sspr', 'group', 'All'], ['sspr-writeback', 'user', 'yann']]);
    });

    it('re-registration: every registration removed with a standing request, in one transaction; a second request moves it', async () => {
      const users = new UsersRepository(store.db, clock, cipher);
      const registrations = new RegistrationsRepository(store.db, cipher);
      const yann = await users.get('yann');
      await registrations.add(yann.id, 'email', { address: 'yann@example.org' }, clock.now());
      await registrations.add(yann.id, 'sms', { phone: '+4915100000003' }, clock.now());
      assert.deepEqual((await registrations.requireReregistration(yann.id, 1000, 'user:ops')).sort(), ['email', 'sms']);
      assert.deepEqual(await registrations.listForUser(yann.id), []);
      assert.deepEqual(await registrations.reregistrationSince(yann.id), { at: 1000, by: 'user:ops' });
      assert.deepEqual(await registrations.requireReregistration(yann.id, 2000, 'cli'), []);
      assert.deepEqual(await registrations.reregistrationSince(yann.id), { at: 2000, by: 'cli' });
      await registrations.endReregistration(yann.id);
      assert.equal(await registrations.reregistrationSince(yann.id), null);
    });

    it('flows and codes: compare-and-set transitions, single-use codes, attempt limits, expiry purge', async () => {
      const flows = new FlowsRepository(store.db);
      const now = clock.now();
      await flows.create({ digest: 'd1', userId: null, username: 'u', methods: [{ id: 'm', type: 'email', hint: 'h', ref: 'decoy' }], required: 1, expiresAt: now + 1000 }, now);
      assert.equal((await flows.findLive('d1', now))?.methods[0]?.id, 'm');
      assert.equal(await flows.findLive('d1', now + 1000), null, 'expired flows are not live');
      assert.equal(await flows.takeSend('d1', 1), true);
      assert.equal(await flows.takeSend('d1', 1), false);

      await flows.replaceCode('d1', 'm', 'hash-1', now + 500, now);
      await flows.replaceCode('d1', 'm', 'hash-2', now + 500, now);
      const code = (await flows.latestCode('d1', 'm'))!;
      assert.equal(code.codeHash, 'hash-2');
      assert.equal(await flows.takeAttempt(code.id, 2), true);
      assert.equal(await flows.takeAttempt(code.id, 2), true);
      assert.equal(await flows.takeAttempt(code.id, 2), false);
      assert.equal(await flows.consumeCode(code.id, now), true);
      assert.equal(await flows.consumeCode(code.id, now), false);

      await flows.markVerified('d1', ['m'], true);
      const claimedAt = await flows.claim('d1', now, 60_000);
      assert.equal(claimedAt, now);
      assert.equal(await flows.claim('d1', now + 1, 60_000), null, 'a live claim holds');
      const takenOver = await flows.claim('d1', now + 60_000, 60_000);
      assert.equal(takenOver, now + 60_000, 'a claim past its lease is taken over');
      assert.equal(await flows.completeClaimed('d1', now), false, 'the old claim can no longer complete');
      await flows.releaseClaim('d1', now);
      assert.equal((await flows.findLive('d1', now))?.state, 'completing', 'nor give the flow back');
      assert.equal(await flows.completeClaimed('d1', takenOver!), true);
      assert.equal((await flows.findLive('d1', now))?.state, 'completed');
      assert.equal(await flows.latestCode('d1', 'm'), null, 'completion removes the codes');
      assert.equal(await flows.purgeExpired(now + 2000), 1);
      assert.equal(await flows.findLive('d1', now), null);
    });

    it('a set password ends the user\'s other open flows and their codes; completed flows stay', async () => {
      const flows = new FlowsRepository(store.db);
      const now = clock.now();
      const zoe = await new UsersRepository(store.db, clock, cipher).get('zoë');
      const methods = [{ id: 'm', type: 'email' as const, hint: 'h', ref: 'contact:email' }];
      for (const digest of ['o1', 'o2', 'o3', 'o4']) await flows.create({ digest, userId: zoe.id, username: 'zoë', methods, required: 1, expiresAt: now + 60_000 }, now);
      await flows.replaceCode('o2', 'm', 'hash', now + 500, now);
      await flows.markVerified('o3', ['m'], true);
      await flows.markVerified('o4', ['m'], true);
      await flows.completeClaimed('o4', (await flows.claim('o4', now, 1000))!);
      await flows.endOpenFlowsOfUser(zoe.id, 'o1');
      assert.equal((await flows.findLive('o1', now))?.state, 'started', 'the acting flow stays');
      assert.equal(await flows.findLive('o2', now), null);
      assert.equal(await flows.latestCode('o2', 'm'), null);
      assert.equal(await flows.findLive('o3', now), null, 'a verified flow ends too');
      assert.equal((await flows.findLive('o4', now))?.state, 'completed');
    });

    it('throttle slots: one taker per window, free again afterwards', async () => {
      const throttles = new ThrottleRepository(store.db, randomBytes(32));
      const taken = await Promise.all([1, 2, 3, 4].map(() => throttles.takeSlot('user:x:refusal-notice', 1000, 2000)));
      assert.equal(taken.filter(Boolean).length, 1);
      assert.equal(await throttles.takeSlot('user:x:refusal-notice', 1999, 2999), false);
      assert.equal(await throttles.takeSlot('user:x:refusal-notice', 2000, 3000), true);
    });

    it("a sign-in's guard: active blocks of two scopes, latest first, and whether a third has counted events, in one read", async () => {
      const throttles = new ThrottleRepository(store.db, randomBytes(32));
      assert.deepEqual(await throttles.guard(['g:a:block', 'g:b:block'], 'g:b', 1000), { blocks: [], counted: false });
      await throttles.record('g:b', 900);
      await throttles.record('g:b', 950);
      await throttles.block('g:a:block', 2000, 'sign-in-failures');
      await throttles.block('g:b:block', 3000, 'sign-in-failures');
      await throttles.block('g:c:block', 4000, 'sign-in-failures');
      assert.deepEqual(await throttles.guard(['g:a:block', 'g:b:block'], 'g:b', 1000), {
        blocks: [{ until: 3000, reason: 'sign-in-failures' }, { until: 2000, reason: 'sign-in-failures' }],
        counted: true,
      });
      assert.deepEqual(await throttles.guard(['g:a:block', 'g:b:block'], 'g:b', 2500), { blocks: [{ until: 3000, reason: 'sign-in-failures' }], counted: true }, 'an ended block is left out');
      await throttles.clearEvents(['g:b']);
      assert.deepEqual(await throttles.guard(['g:a:block', 'g:b:block'], 'g:b', 2500), { blocks: [{ until: 3000, reason: 'sign-in-failures' }], counted: false }, 'the events go, the blocks stay');
    });

    it('throttle scopes are kept as keyed hashes only, the refusal-notice slot too', async () => {
      const throttles = new Throttles(new ThrottleRepository(store.db, randomBytes(32)), clock);
      const name = usernameKey('notice.reader@example.org');
      assert.equal(await throttles.takeRefusalNotice(name, defaultSsprPolicy), true);
      assert.equal(await throttles.takeRefusalNotice(name, defaultSsprPolicy), false, 'the slot holds for the window');
      const scopes = [
        ...(await store.db.selectFrom('throttle_blocks').select('scope').execute()),
        ...(await store.db.selectFrom('throttle_events').select('scope').execute()),
      ].map((row) => row.scope);
      assert.ok(scopes.length >= 2, 'the slot and the counted e-mail are stored');
      assert.deepEqual(scopes.filter((scope) => scope.includes('notice.reader')), [], 'no scope names the user in clear');
    });

    it("the doctor's throttled count: accounts the reset throttle blocks now, not unknown names or ended blocks", async () => {
      const users = new UsersRepository(store.db, clock, cipher);
      const throttles = new Throttles(new ThrottleRepository(store.db, randomBytes(32)), clock);
      const repo = new DoctorRepository(store.db, doctorReads);
      const count = async () => (await throttledCheck.count?.({ facts: { now: clock.now() } as ServiceRunFacts, service: new Map(), repo, cipher }))?.failing;
      const before = await count();
      await users.add({ username: 'Blocked.Bea' });
      await users.add({ username: 'blocked.ben' });
      const blockHours = { ...defaultSsprPolicy, throttles: { ...defaultSsprPolicy.throttles, failedProofs: 1, blockHours: 1 } };
      await throttles.failedProof(usernameKey('Blocked.Bea'), blockHours);
      await throttles.failedProof(usernameKey('nobody.here'), blockHours);
      assert.ok(await throttles.blockedUntil(usernameKey('Blocked.Bea')));
      assert.equal(await count(), (before ?? 0) + 1, 'the blocked account counts; the unknown name does not');
      await throttles.failedProof(usernameKey('blocked.ben'), blockHours);
      assert.equal(await count(), (before ?? 0) + 2);
      clock.advance(3_600_000);
      assert.equal(await count(), before, 'ended blocks do not count');
    });

    it('readiness sweep: of the nodes that find the snapshot old, the one that claims the interval sweeps; the others read its snapshot', async () => {
      const reminders = new RemindersRepository(store.db, cipher);
      const settings = new SettingsRepository(store.db);
      const swept: string[] = [];
      const nodes = ['node-a', 'node-b', 'node-c'].map(
        (name) =>
          new ResetReadiness({
            claim: (occurrence, now) => reminders.claimOccurrence(READINESS_JOB, occurrence, name, now),
            clock,
            settings,
            users: { page: async () => [] },
            doctor: {
              beginPageRun: async () => {
                swept.push(name);
                return {} as never;
              },
              endPageRun: async () => undefined,
              pageVerdicts: async () => [],
            },
          }),
      );
      await Promise.all(nodes.map((node) => node.refreshIfOlderThan(REFRESH_MS)));
      // The winner's sweep runs in the background: wait until no node counts any more.
      for (const node of nodes) while ((await node.current()).runningSince !== null) await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.all(nodes.map((node) => node.stop()));
      assert.equal(swept.length, 1, `one node swept (${swept.join(', ')})`);
      for (const node of nodes) assert.ok((await node.current()).snapshot, 'every node reads the stored snapshot');
    });

    it('sessions and audit events', async () => {
      const sessions = new SessionsRepository(store.db);
      const audit = new AuditRepository(store.db);
      const users = new UsersRepository(store.db, clock, cipher);
      const zoe = await users.get('zoë');
      await sessions.create('s1', zoe.id, 1, 100);
      assert.equal(await sessions.findUserId('s1', 50), zoe.id);
      assert.equal(await sessions.findUserId('s1', 100), null);
      assert.deepEqual(await users.findBySession('s1', 50), zoe, "a live session's account, as read by id");
      assert.equal(await users.findBySession('s1', 100), null, 'an expired session has none');
      assert.equal(await users.findBySession('s9', 50), null, 'nor an unknown one');
      await sessions.create('s2', zoe.id, 1, 100);
      await sessions.deleteForUser(zoe.id, 's2');
      assert.equal(await sessions.findUserId('s1', 50), null);
      assert.equal(await sessions.findUserId('s2', 50), zoe.id, 'the kept session stays');
      await sessions.deleteForUser(zoe.id);
      assert.equal(await sessions.findUserId('s2', 50), null);
      await audit.record(5, { event: 'reset-start', outcome: 'failure', username: 'zoë', ip: '::1', userAgent: 'x'.repeat(1000), detail: { reason: 'unknown-user' } });
      const [event] = await audit.list({ username: 'zoë' });
      assert.equal(event?.detail?.reason, 'unknown-user');
      assert.equal(event?.userAgent?.length, 300);
    });

    it('contact look-ups: e-mail by keyed tag (every writer tags, untagged rows are filled in), phones page by page; disabled accounts left out', async () => {
      const users = new UsersRepository(store.db, clock, cipher);
      const registrations = new RegistrationsRepository(store.db, cipher);
      const lookup = new ContactLookupRepository(store.db, cipher);
      const own = await users.add({ username: 'lookup-own', email: ' Lookup.Mail@Example.org ' });
      const registered = await users.add({ username: 'lookup-registered', email: 'other@example.org' });
      await registrations.add(registered.id, 'email', { address: 'LOOKUP.mail@example.org' }, clock.now());
      await registrations.add(registered.id, 'totp', { secret: 'lookup.mail@example.org' }, clock.now());
      await new DirectoryAccounts(store.db, clock, cipher, 'ldap').insertNew([
        { anchor: 'lookup-anchor', dn: 'uid=lookup-dir,dc=x', username: 'lookup-dir', displayName: 'D', firstName: '', lastName: '', email: 'lookup.mail@example.org', mobile: null, enabled: true },
      ]);
      const disabled = await users.add({ username: 'lookup-disabled', email: 'lookup.mail@example.org' });
      await users.setEnabled(disabled.id, false);
      // A row stored without a tag (an older release, a bulk load) is tagged on the next look-up.
      const legacy = await users.add({ username: 'lookup-legacy', email: 'x@example.org' });
      await store.db.updateTable('users').set({ email: cipher.encrypt('Lookup.Mail@example.org', `users.email:${legacy.id}`), email_lookup: null }).where('id', '=', legacy.id).execute();
      await store.db.updateTable('users').set({ email_lookup: null }).where('id', '=', own.id).execute();
      await store.db.updateTable('method_registrations').set({ contact_lookup: null }).execute();

      assert.deepEqual(await lookup.usernamesByEmail('lookup.mail@example.org'), ['lookup-dir', 'lookup-legacy', 'lookup-own', 'lookup-registered']);
      assert.equal(await lookup.fillPending(), 0, 'every row is tagged');
      assert.deepEqual(await lookup.usernamesByEmail('nobody@example.org'), []);
      await users.setContact(own.id, { email: 'moved@example.org' });
      assert.deepEqual(await lookup.usernamesByEmail('moved@example.org'), ['lookup-own'], 'a changed address is re-tagged');
      assert.ok(!(await lookup.usernamesByEmail('lookup.mail@example.org')).includes('lookup-own'));
      await users.setContact(registered.id, { mobile: '0151 1234567' });
      await registrations.add(own.id, 'sms', { phone: '+4915112345678' }, clock.now());
      const pages: Array<Array<{ username: string; phones: string[] }>> = [];
      for await (const page of lookup.phonesOfEnabled(2)) pages.push(page);
      assert.ok(pages.every((page) => page.length <= 2), 'pages of the asked size');
      const phones = new Map(pages.flat().map(({ username, phones }) => [username, phones]));
      assert.deepEqual(phones.get('lookup-registered'), ['0151 1234567']);
      assert.deepEqual(phones.get('lookup-own'), ['+4915112345678']);
      assert.equal(phones.has('lookup-disabled'), false, 'disabled accounts are left out');
      const tags = await store.db.selectFrom('users').select('email_lookup').where('username', 'like', 'lookup-%').execute();
      assert.ok(tags.every((row) => row.email_lookup !== null && !row.email_lookup.includes('@')), 'tags, not addresses');
      if (dialect === 'sqlite') {
        const { rows } = await sql`explain query plan select username from users where enabled = 1 and email_lookup = ${'t'} union select u.username from method_registrations r join users u on u.id = r.user_id where r.contact_lookup = ${'t'}`.execute(store.db);
        const detail = rows.map((row) => String((row as { detail?: unknown }).detail)).join(' | ');
        assert.match(detail, /INDEX users_email_lookup/, detail);
        assert.match(detail, /INDEX method_registrations_contact_lookup/, detail);
      }
    });
  });
}
