/** runSync, marker handling and DN → anchor resolution over a scripted reader and the in-memory target. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DnAnchorMap, dnKey, resolveMemberAnchors } from '../../../src/sync/dn-anchor-map.js';
import type { DirectoryReader } from '../../../src/sync/directory-reader.js';
import { greaterOrEqual, laterTimestamp, parseTimestampMarker, parseUsnMarker } from '../../../src/sync/sync-filters.js';
import { runSync } from '../../../src/sync/sync-run.js';
import type { SyncedAccount, SyncedGroup } from '../../../src/sync/sync-types.js';
import { MemoryTarget } from './memory-target.js';

const user = (name: string, extra: Partial<SyncedAccount> = {}): SyncedAccount => ({
  anchor: `anchor-${name}`,
  dn: `uid=${name},ou=users,dc=example,dc=org`,
  username: name,
  displayName: name,
  firstName: name,
  lastName: 'Test',
  email: `${name}@example.org`,
  mobile: null,
  enabled: true,
  memberOfDns: [],
  ...extra,
});
const group = (name: string, memberDns: string[]): SyncedGroup => ({
  anchor: `anchor-${name}`,
  dn: `cn=${name},ou=groups,dc=example,dc=org`,
  name,
  memberDns,
});

/** A reader that streams fixed entries and records the `since` it was asked for. */
function scriptedReader(accounts: SyncedAccount[], groups: SyncedGroup[], marker: string, fail = false) {
  const asked: Array<string | null> = [];
  const reader: DirectoryReader = {
    async readChanges(since, onAccounts, onGroups) {
      asked.push(since);
      // Pages of two, as a paged search would deliver them.
      for (let i = 0; i < accounts.length; i += 2) await onAccounts(accounts.slice(i, i + 2));
      if (fail) throw new Error('connection lost');
      for (let i = 0; i < groups.length; i += 2) await onGroups(groups.slice(i, i + 2));
      return { marker };
    },
    async close() {},
  };
  return { reader, asked };
}

describe('DN → anchor resolution', () => {
  test('DN keys ignore case and spaces around separators, not escaped commas', () => {
    assert.equal(dnKey('UID=Ann , OU=Users,DC=Example'), 'uid=ann,ou=users,dc=example');
    assert.equal(dnKey('cn=Doe\\, John,ou=x'), 'cn=doe\\, john,ou=x');
  });

  test('members resolve from this run first, then the stored map; unknown DNs are dropped, duplicates merged', () => {
    const seen = new DnAnchorMap();
    seen.remember('uid=ann,ou=users,dc=example,dc=org', 'a1');
    const stored = new Map([[dnKey('uid=bob, ou=users,dc=example,dc=org'), 'b1']]);
    const anchors = resolveMemberAnchors(
      ['UID=Ann,ou=users,dc=example,dc=org', 'UID=Bob,ou=users,dc=example,dc=org', 'uid=ann,ou=users,dc=example,dc=org', 'cn=outside'],
      seen,
      stored,
    );
    assert.deepEqual(anchors, ['a1', 'b1']);
  });

  test('without a stored map (full run) unseen DNs are dropped', () => {
    assert.deepEqual(resolveMemberAnchors(['uid=x,dc=y'], new DnAnchorMap(), null), []);
  });
});

describe('markers', () => {
  test('timestamp markers are validated and ordered', () => {
    assert.equal(parseTimestampMarker('20240101120000Z'), '20240101120000Z');
    assert.throws(() => parseTimestampMarker('20240101120000Z)(objectClass=*'), /invalid LDAP sync marker/);
    assert.equal(laterTimestamp('20240101120000Z', '20240101120001Z'), '20240101120001Z');
    assert.equal(laterTimestamp(null, '20240101120000Z'), '20240101120000Z');
    assert.equal(laterTimestamp('20240101120000Z', null), '20240101120000Z');
  });

  test('USN markers are non-negative integers', () => {
    assert.equal(parseUsnMarker('4711'), 4711n);
    assert.throws(() => parseUsnMarker('-1'), /invalid AD sync marker/);
    assert.throws(() => parseUsnMarker('1*'), /invalid AD sync marker/);
  });

  test('greaterOrEqual escapes its value (RFC 4515)', () => {
    assert.equal(greaterOrEqual('uSNChanged', '12'), '(uSNChanged>=12)');
    assert.equal(greaterOrEqual('cn', 'a)(b*'), '(cn>=a\\29\\28b\\2a)');
    assert.throws(() => greaterOrEqual('bad attr', '1'));
  });
});

describe('runSync', () => {
  const everyone = [user('ann'), user('bob')];
  const groups = [group('staff', [everyone[0]!.dn, 'cn=admins,ou=groups,dc=example,dc=org']), group('admins', [everyone[1]!.dn])];

  test('a full run upserts, resolves nested members, disables nothing and writes the marker', async () => {
    const target = new MemoryTarget();
    const progress: number[] = [];
    const { reader, asked } = scriptedReader(everyone, groups, 'M1');
    const summary = await runSync(reader, target, { mode: 'full', onProgress: (n) => progress.push(n) });
    assert.deepEqual(asked, [null]);
    assert.deepEqual(summary.accounts, { created: 2, updated: 0, unchanged: 0, disabled: 0 });
    assert.deepEqual(summary.groups, { created: 2, updated: 0, unchanged: 0 });
    assert.equal(summary.marker, 'M1');
    assert.equal(target.marker, 'M1');
    assert.deepEqual(progress, [2, 4], 'progress is reported per page');
    assert.deepEqual(target.runs, ['full']);
    assert.deepEqual(target.membersOf('staff'), ['anchor-admins', 'anchor-ann']);
    assert.deepEqual(target.membersOf('admins'), ['anchor-bob']);
    assert.deepEqual(target.lookedUp, [everyone[0]!.dn, everyone[1]!.dn], 'a full run resolves accounts through the store, groups from its own');
  });

  test('a full run resolves a member only to an account it streamed, not to a stored one that vanished', async () => {
    const target = new MemoryTarget();
    await runSync(scriptedReader(everyone, groups, 'M1').reader, target, { mode: 'full' });
    const summary = await runSync(scriptedReader([everyone[0]!], groups, 'M2').reader, target, { mode: 'full' });
    assert.equal(summary.accounts.disabled, 1);
    assert.deepEqual(target.membersOf('admins'), [], 'bob vanished: his DN resolves to nobody');
    assert.deepEqual(target.membersOf('staff'), ['anchor-admins', 'anchor-ann']);
  });

  test('a repeated full run reports everything unchanged; a vanished account is disabled once', async () => {
    const target = new MemoryTarget();
    await runSync(scriptedReader(everyone, groups, 'M1').reader, target, { mode: 'full' });
    const again = await runSync(scriptedReader(everyone, groups, 'M1').reader, target, { mode: 'full' });
    assert.deepEqual(again.accounts, { created: 0, updated: 0, unchanged: 2, disabled: 0 });
    assert.deepEqual(again.groups, { created: 0, updated: 0, unchanged: 2 });
    const withoutBob = await runSync(scriptedReader([everyone[0]!], [], 'M2').reader, target, { mode: 'full' });
    assert.equal(withoutBob.accounts.disabled, 1);
    assert.equal(target.account('bob')?.enabled, false);
    assert.equal((await runSync(scriptedReader([everyone[0]!], [], 'M3').reader, target, { mode: 'full' })).accounts.disabled, 0);
  });

  test('an incremental run starts at the stored marker, resolves unseen members through the store, disables nothing', async () => {
    const target = new MemoryTarget();
    await runSync(scriptedReader(everyone, groups, 'M1').reader, target, { mode: 'full' });
    target.lookedUp.length = 0;
    const changedStaff = group('staff', [everyone[0]!.dn, everyone[1]!.dn]);
    const { reader, asked } = scriptedReader([user('ann', { email: 'new@example.org' })], [changedStaff], 'M2');
    const summary = await runSync(reader, target, { mode: 'incremental' });
    assert.deepEqual(asked, ['M1']);
    assert.deepEqual(summary.accounts, { created: 0, updated: 1, unchanged: 0, disabled: 0 });
    assert.deepEqual(summary.groups, { created: 0, updated: 1, unchanged: 0 });
    assert.deepEqual(target.lookedUp, [everyone[1]!.dn]);
    assert.deepEqual(target.membersOf('staff'), ['anchor-ann', 'anchor-bob']);
    assert.equal(target.account('bob')?.enabled, true);
    assert.equal(target.marker, 'M2');
  });

  test('a failed read leaves the marker alone (the run is repeated, never skipped)', async () => {
    const target = new MemoryTarget();
    target.marker = 'M0';
    await assert.rejects(runSync(scriptedReader(everyone, groups, 'M9', true).reader, target, { mode: 'incremental' }), /connection lost/);
    assert.equal(target.marker, 'M0');
  });
});
