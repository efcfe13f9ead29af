/**
 * `sspr sync` from a real OpenLDAP (test/support/slapd.ts): users and nested groups, full and incremental runs, deletion.
 * Also prints (does not assert) the time and peak RSS of a 2,000-user full sync.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Attribute, Change, type Client } from 'ldapts';
import { ldapConfigSchema, type LdapConfig } from '../../../src/directory/ldap/ldap-config.js';
import { ldapDirectoryReader } from '../../../src/directory/ldap/ldap-directory-reader.js';
import { runSync } from '../../../src/sync/sync-run.js';
import { MemoryTarget } from '../../unit/sync/memory-target.js';
import { startSlapd, type Slapd } from '../../support/slapd.js';

const BASE_DN = 'dc=example,dc=org';
const PEOPLE = `ou=people,${BASE_DN}`;
const BULK = `ou=bulk,${BASE_DN}`;
const userDn = (uid: string, ou = PEOPLE) => `uid=${uid},${ou}`;
const groupDn = (cn: string) => `cn=${cn},${PEOPLE}`;

let slapd: Slapd;

function config(baseDn: string): LdapConfig {
  return ldapConfigSchema.parse({
    url: slapd.ldapsUrl,
    caFile: slapd.caFile,
    bindDn: slapd.serviceDn,
    bindPassword: slapd.servicePassword,
    baseDn,
    timeoutMs: 10_000,
  });
}

async function addUser(client: Client, uid: string, ou = PEOPLE): Promise<void> {
  await client.add(userDn(uid, ou), {
    objectClass: ['inetOrgPerson'],
    uid,
    cn: `${uid} Test`,
    givenName: uid,
    sn: 'Test',
    mail: `${uid}@example.org`,
  });
}

async function syncOnce(target: MemoryTarget, mode: 'full' | 'incremental', baseDn = PEOPLE) {
  const reader = ldapDirectoryReader(config(baseDn));
  try {
    return await runSync(reader, target, { mode });
  } finally {
    await reader.close();
  }
}

/** Waits into the next second: modifyTimestamp has one-second resolution. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100 - (Date.now() % 1_000)));

before(async () => {
  slapd = await startSlapd();
  await slapd.asRoot(async (client) => {
    for (const ou of ['people', 'bulk']) await client.add(`ou=${ou},${BASE_DN}`, { objectClass: ['organizationalUnit'], ou });
    for (const uid of ['ann', 'bob', 'cid']) await addUser(client, uid);
    await client.add(groupDn('admins'), { objectClass: ['groupOfNames'], cn: 'admins', member: [userDn('bob')] });
    await client.add(groupDn('staff'), {
      objectClass: ['groupOfUniqueNames'],
      cn: 'staff',
      uniqueMember: [userDn('ann'), `${groupDn('admins')}#'0101'B`],
    });
  });
});
after(() => slapd?.stop());

describe('LDAP sync', () => {
  const target = new MemoryTarget();

  test('a full run reads users and nested groups', async () => {
    const summary = await syncOnce(target, 'full');
    assert.deepEqual(summary.accounts, { created: 3, updated: 0, unchanged: 0, disabled: 0 });
    assert.deepEqual(summary.groups, { created: 2, updated: 0, unchanged: 0 });
    assert.match(summary.marker, /^\d{14}Z$/);
    const ann = target.account('ann');
    assert.ok(ann);
    assert.match(ann.anchor, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(ann.email, 'ann@example.org');
    assert.equal(ann.enabled, true);
    const admins = [...target.groups.values()].find((group) => group.name === 'admins');
    assert.deepEqual(target.membersOf('staff'), [ann.anchor, admins?.anchor].sort());
    assert.deepEqual(target.membersOf('admins'), [target.account('bob')?.anchor]);
  });

  test('a second full run reports everything unchanged', async () => {
    const summary = await syncOnce(target, 'full');
    assert.deepEqual(summary.accounts, { created: 0, updated: 0, unchanged: 3, disabled: 0 });
    assert.deepEqual(summary.groups, { created: 0, updated: 0, unchanged: 2 });
  });

  test('an incremental run picks up exactly the changed user', async () => {
    await nextSecond();
    await slapd.asRoot((client) =>
      client.modify(userDn('cid'), [new Change({ operation: 'replace', modification: new Attribute({ type: 'mail', values: ['cid@new.example.org'] }) })]),
    );
    const before = target.marker;
    const summary = await syncOnce(target, 'incremental');
    // Entries stamped in the marker's own second come back too (>=), as 'unchanged'; only cid is updated.
    assert.equal(summary.accounts.updated, 1);
    assert.equal(summary.accounts.created + summary.accounts.disabled + summary.groups.created + summary.groups.updated, 0);
    assert.equal(target.account('cid')?.email, 'cid@new.example.org');
    assert.ok(summary.marker > (before ?? ''), 'the marker moved forward');
    // Nothing changed since: the boundary second is read again (>=), but nothing is updated.
    const quiet = await syncOnce(target, 'incremental');
    assert.equal(quiet.accounts.updated + quiet.accounts.created + quiet.groups.updated, 0);
    assert.equal(quiet.marker, summary.marker);
  });

  test('an incremental group change resolves members it did not stream through the store', async () => {
    await nextSecond();
    await slapd.asRoot((client) =>
      client.modify(groupDn('admins'), [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [userDn('ann')] }) })]),
    );
    const summary = await syncOnce(target, 'incremental');
    assert.deepEqual(summary.groups, { created: 0, updated: 1, unchanged: 0 });
    assert.equal(summary.accounts.updated + summary.accounts.created, 0);
    assert.deepEqual(target.membersOf('admins'), [target.account('ann')?.anchor, target.account('bob')?.anchor].sort());
  });

  test('a deleted user is disabled by the next full run (and not by an incremental one)', async () => {
    await slapd.asRoot(async (client) => {
      await client.modify(groupDn('admins'), [new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [userDn('bob')] }) })]);
      await client.del(userDn('bob'));
    });
    assert.equal((await syncOnce(target, 'incremental')).accounts.disabled, 0);
    assert.equal(target.account('bob')?.enabled, true);
    const summary = await syncOnce(target, 'full');
    assert.equal(summary.accounts.disabled, 1);
    assert.equal(target.account('bob')?.enabled, false);
    assert.deepEqual(target.membersOf('admins'), [target.account('ann')?.anchor]);
  });

  test('2,000 users: time and peak RSS of a full sync (printed, not asserted)', async () => {
    await slapd.asRoot(async (client) => {
      for (let i = 0; i < 2_000; i++) await addUser(client, `bulk${String(i).padStart(4, '0')}`, BULK);
    });
    const bulkTarget = new MemoryTarget();
    let peakRss = process.memoryUsage.rss();
    const summary = await (async () => {
      const reader = ldapDirectoryReader(config(BULK));
      try {
        return await runSync(reader, bulkTarget, { mode: 'full', onProgress: () => void (peakRss = Math.max(peakRss, process.memoryUsage.rss())) });
      } finally {
        await reader.close();
      }
    })();
    assert.equal(summary.accounts.created, 2_000);
    console.log(`# sync of 2,000 slapd users: ${summary.seconds.toFixed(2)} s, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB (process total)`);
  });
});
