/** `sspr sync` from a real Samba AD DC (test/support/samba-ad.ts): nested groups, uSNChanged incremental, deletion. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adConfigSchema } from '../../../src/directory/ad/ad-config.js';
import { adDirectoryReader } from '../../../src/directory/ad/ad-directory-reader.js';
import { runSync } from '../../../src/sync/sync-run.js';
import { MemoryTarget } from '../../unit/sync/memory-target.js';
import { startSambaAd, type SambaAd } from '../../support/samba-ad.js';

let ad: SambaAd;
const groupDn = (name: string) => `CN=${name},${ad.peopleOu}`;

async function syncOnce(target: MemoryTarget, mode: 'full' | 'incremental') {
  const reader = adDirectoryReader(
    adConfigSchema.parse({
      url: ad.ldapsUrl,
      caFile: ad.caFile,
      tlsServerName: ad.tlsServerName,
      bindUpn: ad.service.upn,
      bindPassword: ad.service.password,
      baseDn: ad.peopleOu,
    }),
  );
  try {
    return await runSync(reader, target, { mode });
  } finally {
    await reader.close();
  }
}

before(async () => {
  ad = await startSambaAd();
  const dns: Record<string, string> = {};
  for (const name of ['ann', 'bob', 'cid']) dns[name] = await ad.addUser(name, 'Initial-Pass1!', { givenName: name, surname: 'Test', mail: `${name}@example.test` });
  for (const name of ['admins', 'staff']) await ad.sambaTool('group', 'add', name, `--groupou=OU=People`);
  await ad.adminModify(groupDn('admins'), [{ op: 'add', attribute: 'member', values: [dns.bob!] }]);
  await ad.adminModify(groupDn('staff'), [{ op: 'add', attribute: 'member', values: [dns.ann!, groupDn('admins')] }]);
});
after(() => ad?.stop());

describe('AD sync', () => {
  const target = new MemoryTarget();

  test('a full run reads users and nested groups; the marker is highestCommittedUSN', async () => {
    const summary = await syncOnce(target, 'full');
    assert.deepEqual(summary.accounts, { created: 3, updated: 0, unchanged: 0, disabled: 0 });
    assert.deepEqual(summary.groups, { created: 2, updated: 0, unchanged: 0 });
    assert.match(summary.marker, /^\d+$/);
    const ann = target.account('ann');
    assert.ok(ann);
    assert.match(ann.anchor, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(ann.email, 'ann@example.test');
    const admins = [...target.groups.values()].find((group) => group.name === 'admins');
    assert.deepEqual(target.membersOf('staff'), [ann.anchor, admins?.anchor].sort());
    assert.deepEqual(target.membersOf('admins'), [target.account('bob')?.anchor]);
  });

  test('a second full run reports everything unchanged', async () => {
    const summary = await syncOnce(target, 'full');
    assert.deepEqual(summary.accounts, { created: 0, updated: 0, unchanged: 3, disabled: 0 });
    assert.deepEqual(summary.groups, { created: 0, updated: 0, unchanged: 2 });
  });

  test('an incremental run (uSNChanged) streams exactly the changed user', async () => {
    await ad.adminModify(`CN=cid,${ad.peopleOu}`, [{ op: 'replace', attribute: 'mail', values: ['cid@new.example.test'] }]);
    const summary = await syncOnce(target, 'incremental');
    assert.deepEqual(summary.accounts, { created: 0, updated: 1, unchanged: 0, disabled: 0 });
    assert.deepEqual(summary.groups, { created: 0, updated: 0, unchanged: 0 });
    assert.equal(target.account('cid')?.email, 'cid@new.example.test');
    const quiet = await syncOnce(target, 'incremental');
    assert.deepEqual(quiet.accounts, { created: 0, updated: 0, unchanged: 0, disabled: 0 });
  });

  test('a deleted user is disabled by the next full run', async () => {
    await ad.sambaTool('user', 'delete', 'bob');
    const summary = await syncOnce(target, 'full');
    assert.equal(summary.accounts.disabled, 1);
    assert.equal(target.account('bob')?.enabled, false);
    assert.deepEqual(target.membersOf('admins'), []);
  });
});
