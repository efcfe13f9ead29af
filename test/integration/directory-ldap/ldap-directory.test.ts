/**
 * LdapDirectory against a real OpenLDAP 2.5 with ppolicy (test/support/slapd.ts), started once for this file.
 * Policy: pwdMinLength 8, pwdCheckQuality 2, pwdInHistory 3, pwdLockout TRUE, pwdMaxFailure 3.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LdapDirectory } from '../../../src/directory/ldap/ldap-directory.js';
import type { LdapConfigInput } from '../../../src/directory/ldap/ldap-config.js';
import { DirectoryError, type DirectoryFailure } from '../../../src/directory/onprem/onprem-directory.js';
import { startSlapd, type Slapd } from '../../support/slapd.js';

let slapd: Slapd;
let directory: LdapDirectory;

function config(overrides: Partial<LdapConfigInput> = {}): LdapConfigInput {
  return {
    url: slapd.ldapsUrl,
    caFile: slapd.caFile,
    bindDn: slapd.serviceDn,
    bindPassword: slapd.servicePassword,
    baseDn: slapd.usersDn,
    passwordPolicyDn: slapd.policyDn,
    timeoutMs: 2_000,
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<DirectoryError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DirectoryError, `expected a DirectoryError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a refusal');
}

async function assertRefused(promise: Promise<unknown>, reason: DirectoryFailure): Promise<DirectoryError> {
  const error = await refusal(promise);
  assert.equal(error.reason, reason, `raw: ${error.raw}`);
  return error;
}

/** A fresh user (the password history and lockout state of one test never leak into another). */
async function freshAccount(uid: string, password = 'Initial-Pass1') {
  await slapd.addUser({ uid, password, givenName: 'Given', sn: 'Surname', mail: `${uid}@example.org`, mobile: '+4915112345678' });
  const account = await directory.findAccount(uid);
  assert.ok(account);
  return account;
}

before(async () => {
  slapd = await startSlapd();
  directory = LdapDirectory.fromConfig(config());
});

after(async () => {
  await directory?.close();
  await slapd?.stop();
});

describe('findAccount', () => {
  test('maps the entry and its state', async () => {
    const account = await freshAccount('alice');
    assert.equal(account.dn, `uid=alice,${slapd.usersDn}`);
    assert.equal(account.username, 'alice');
    assert.match(account.anchor, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(account.displayName, 'Given Surname');
    assert.equal(account.firstName, 'Given');
    assert.equal(account.lastName, 'Surname');
    assert.equal(account.email, 'alice@example.org');
    assert.equal(account.mobile, '+4915112345678');
    assert.deepEqual(
      { enabled: account.enabled, locked: account.locked, must: account.mustChangePassword, expired: account.passwordExpired },
      { enabled: true, locked: false, must: false, expired: false },
    );
  });

  test('unknown and hostile user names find nothing', async () => {
    for (const name of ['nobody', '*', 'a*)(uid=*', '*)(|(uid=*', 'alice)(uid=*', '\\2a', 'al\u0000ice', '']) {
      assert.equal(await directory.findAccount(name), null, JSON.stringify(name));
    }
  });

  test('several matches → multiple-matches', async () => {
    await slapd.addUser({ uid: 'twin-1', password: 'Initial-Pass1', sn: 'Twin' });
    await slapd.addUser({ uid: 'twin-2', password: 'Initial-Pass1', sn: 'Twin' });
    await slapd.addUser({ uid: 'twin-3', password: 'Initial-Pass1', sn: 'Twin' });
    const other = LdapDirectory.fromConfig(config({ loginAttribute: 'sn' }));
    try {
      await assertRefused(other.findAccount('Twin'), 'multiple-matches');
      assert.equal((await other.findAccount('Surname'))?.dn, `uid=alice,${slapd.usersDn}`);
    } finally {
      await other.close();
    }
  });
});

describe('resetPassword', () => {
  test('a reset lets the user bind with the new password, not the old one', async () => {
    const account = await freshAccount('reset-ok');
    await directory.resetPassword(account, 'Brand-New-Pass2');
    assert.equal(await directory.verifyPassword(account, 'Brand-New-Pass2'), true);
    assert.equal(await directory.verifyPassword(account, 'Initial-Pass1'), false);
    assert.equal(await directory.verifyPassword(account, ''), false);
  });

  test('each ppolicy refusal has its own reason', async () => {
    const account = await freshAccount('reset-refusals');
    await assertRefused(directory.resetPassword(account, 'Short1'), 'too-short');
    await assertRefused(directory.resetPassword(account, 'Initial-Pass1'), 'in-history');
    await directory.resetPassword(account, 'Second-Pass2');
    await assertRefused(directory.resetPassword(account, 'Initial-Pass1'), 'in-history');
  });

  test('a plain reset is one write: ppolicy itself clears pwdReset and the lock, whatever pwdMustChange says', async () => {
    const account = await freshAccount('ppolicy-clears');
    const state = () => slapd.asRoot(async (client) => (await client.search(account.dn, { scope: 'base', attributes: ['pwdReset', 'pwdAccountLockedTime'] })).searchEntries[0]);
    try {
      for (const mustChange of ['FALSE', 'TRUE']) {
        await slapd.modifyAsRoot(slapd.policyDn, { pwdMustChange: mustChange });
        await slapd.modifyAsRoot(account.dn, { pwdReset: 'TRUE', pwdAccountLockedTime: '20260101000000Z' });
        await directory.resetPassword(account, `Cleared-By-Ppolicy-${mustChange}-7`);
        const after = await state();
        assert.deepEqual([after?.pwdReset, after?.pwdAccountLockedTime], [[], []], `pwdMustChange ${mustChange}`);
        assert.equal((await directory.findAccount('ppolicy-clears'))?.mustChangePassword, false);
      }
    } finally {
      await slapd.modifyAsRoot(slapd.policyDn, { pwdMustChange: null });
    }
  });

  test('mustChangeAtNextLogon sets pwdReset; a normal reset clears it', async () => {
    const account = await freshAccount('must-change');
    await directory.resetPassword(account, 'Temporary-Pass3', { mustChangeAtNextLogon: true });
    assert.equal((await directory.findAccount('must-change'))?.mustChangePassword, true);
    await directory.resetPassword(account, 'Final-Pass-4444');
    assert.equal((await directory.findAccount('must-change'))?.mustChangePassword, false);
  });
});

describe('changePassword', () => {
  test('a user change with the right old password works', async () => {
    const account = await freshAccount('change-ok');
    await directory.changePassword(account, 'Initial-Pass1', 'Changed-Pass5');
    assert.equal(await directory.verifyPassword(account, 'Changed-Pass5'), true);
  });

  test('users changing at once over one pooled user-bind connection each change only their own password', async () => {
    // One user-bind connection: every change, and the failed binds between them, take turns on it.
    const pooled = LdapDirectory.fromConfig(config({ poolSize: 1 }));
    try {
      const [a, b] = [await freshAccount('together-a', 'Together-A-Pass1'), await freshAccount('together-b', 'Together-B-Pass1')];
      const wrong = [1, 2].map(() => refusal(pooled.changePassword(b, 'Wrong-Pass-000', 'Never-Set-Pass9')));
      await Promise.all([
        pooled.changePassword(a, 'Together-A-Pass1', 'Together-A-Pass2'),
        ...wrong,
        pooled.changePassword(b, 'Together-B-Pass1', 'Together-B-Pass2'),
        pooled.verifyPassword(a, 'Together-B-Pass1').then((right) => assert.equal(right, false)),
      ]);
      for (const error of await Promise.all(wrong)) assert.equal(error.reason, 'wrong-old-password');
      assert.equal(await directory.verifyPassword(a, 'Together-A-Pass2'), true);
      assert.equal(await directory.verifyPassword(b, 'Together-B-Pass2'), true);
      assert.equal(await directory.verifyPassword(b, 'Never-Set-Pass9'), false);
      assert.equal(await directory.verifyPassword(a, 'Together-B-Pass2'), false);
    } finally {
      await pooled.close();
    }
  });

  test('refusals: wrong old password, too short, same as current', async () => {
    const account = await freshAccount('change-refusals');
    await assertRefused(directory.changePassword(account, 'Wrong-Pass-000', 'Changed-Pass5'), 'wrong-old-password');
    await assertRefused(directory.changePassword(account, '', 'Changed-Pass5'), 'wrong-old-password');
    await assertRefused(directory.changePassword(account, 'Initial-Pass1', 'short'), 'too-short');
    await assertRefused(directory.changePassword(account, 'Initial-Pass1', 'Initial-Pass1'), 'in-history');
  });

  test('pwdMinAge on the policy → too-young', async (t) => {
    const account = await freshAccount('too-young');
    await directory.changePassword(account, 'Initial-Pass1', 'Young-Pass-6666');
    await slapd.modifyAsRoot(slapd.policyDn, { pwdMinAge: '3600' });
    t.after(() => slapd.modifyAsRoot(slapd.policyDn, { pwdMinAge: null }));
    await assertRefused(directory.changePassword(account, 'Young-Pass-6666', 'Younger-Pass-77'), 'too-young');
    assert.equal((await directory.readPasswordPolicy(account)).minAgeSeconds, 3600);
  });
});

describe('lockout', () => {
  test('3 bad binds lock; verifyPassword says locked; unlock restores binds', async () => {
    const account = await freshAccount('lock-me');
    for (let i = 0; i < 2; i++) assert.equal(await directory.verifyPassword(account, 'Bad-Password-1'), false);
    // The third failure reaches pwdMaxFailure: slapd locks the account, and the answer already says so.
    await assertRefused(directory.verifyPassword(account, 'Bad-Password-1'), 'locked');
    assert.equal((await directory.findAccount('lock-me'))?.locked, true);
    await assertRefused(directory.verifyPassword(account, 'Initial-Pass1'), 'locked');
    await assertRefused(directory.changePassword(account, 'Initial-Pass1', 'Whatever-Pass8'), 'locked');
    await directory.unlock(account);
    await directory.unlock(account); // not locked any more: no error
    assert.equal((await directory.findAccount('lock-me'))?.locked, false);
    // The failure count went with the lock: one more wrong password is just wrong, not a new lockout.
    assert.equal(await directory.verifyPassword(account, 'Bad-Password-1'), false);
    assert.equal(await directory.verifyPassword(account, 'Initial-Pass1'), true);
  });

  test('a reset unlocks by default', async () => {
    const account = await freshAccount('reset-unlocks');
    for (let i = 0; i < 3; i++) await directory.verifyPassword(account, 'Bad-Password-1').catch(() => undefined);
    assert.equal((await directory.findAccount('reset-unlocks'))?.locked, true);
    await directory.resetPassword(account, 'After-Lock-Pass9');
    assert.equal((await directory.findAccount('reset-unlocks'))?.locked, false);
    assert.equal(await directory.verifyPassword(account, 'After-Lock-Pass9'), true);
  });

  test('a reset with unlock: false keeps the lock (ppolicy would clear it)', async () => {
    const account = await freshAccount('reset-keeps-lock');
    for (let i = 0; i < 3; i++) await directory.verifyPassword(account, 'Bad-Password-1').catch(() => undefined);
    await directory.resetPassword(account, 'Still-Locked-10', { unlock: false });
    assert.equal((await directory.findAccount('reset-keeps-lock'))?.locked, true);
    await assertRefused(directory.verifyPassword(account, 'Still-Locked-10'), 'locked');
  });
});

describe('policy and probe', () => {
  test('readPasswordPolicy reads the configured ppolicy entry', async () => {
    const account = await freshAccount('policy-reader');
    // A directory object keeps a read policy entry for a minute: a fresh one sees the edits of the tests above undone.
    const fresh = LdapDirectory.fromConfig(config());
    try {
      assert.deepEqual(await fresh.readPasswordPolicy(account), {
        minLength: 8,
        complexity: false,
        historyLength: 3,
        lockoutThreshold: 3,
      });
    } finally {
      await fresh.close();
    }
  });

  test('probe over LDAPS and over StartTLS', async () => {
    for (const overrides of [{}, { url: slapd.ldapUrl, startTls: true }]) {
      const probed = LdapDirectory.fromConfig(config(overrides));
      try {
        const probe = await probed.probe();
        assert.equal(probe.reachable, true);
        assert.equal(probe.encrypted, true);
        assert.equal(probe.serviceBindOk, true, JSON.stringify(probe.error));
        assert.ok(probe.supportedExtensions.includes('1.3.6.1.4.1.4203.1.11.1'));
        assert.ok(probe.supportedControls.includes('1.3.6.1.4.1.42.2.27.8.5.1'));
        assert.ok(probe.latencyMs < 2_000);
      } finally {
        await probed.close();
      }
    }
  });

  test('a wrong service password: reachable, bind refused', async () => {
    const probed = LdapDirectory.fromConfig(config({ bindPassword: 'not-the-password' }));
    const probe = await probed.probe();
    await probed.close();
    assert.equal(probe.reachable, true);
    assert.equal(probe.serviceBindOk, false);
    assert.equal(probe.error?.reason, 'invalid-credentials');
  });
});

describe('transport failures', () => {
  test('a closed port → unreachable, quickly', async () => {
    const { freePort } = await import('../../support/processes.js');
    const closed = LdapDirectory.fromConfig(config({ url: `ldaps://127.0.0.1:${await freePort()}`, timeoutMs: 500 }));
    const started = Date.now();
    const error = await assertRefused(closed.findAccount('alice'), 'unreachable');
    assert.match(error.raw, /ECONNREFUSED/);
    assert.ok(Date.now() - started < 1_000);
    const probe = await closed.probe();
    assert.equal(probe.reachable, false);
    assert.equal(probe.error?.reason, 'unreachable');
    await closed.close();
  });

  test('an untrusted certificate → unreachable, the raw text names the certificate', async () => {
    for (const caFile of [slapd.unrelatedCaFile, undefined]) {
      for (const overrides of [{ url: slapd.ldapsUrl }, { url: slapd.ldapUrl, startTls: true }]) {
        const untrusted = LdapDirectory.fromConfig(config({ ...overrides, caFile }));
        const error = await assertRefused(untrusted.findAccount('alice'), 'unreachable');
        assert.match(error.raw, /certificate/i);
        await untrusted.close();
      }
    }
  });

  test('the pool replaces connections the server dropped (restart), and StartTLS ones too', async () => {
    const account = await freshAccount('reconnect');
    const startTls = LdapDirectory.fromConfig(config({ url: slapd.ldapUrl, startTls: true }));
    try {
      assert.equal((await startTls.findAccount('reconnect'))?.dn, account.dn);
      await slapd.restart();
      assert.equal((await directory.findAccount('reconnect'))?.dn, account.dn);
      assert.equal((await startTls.findAccount('reconnect'))?.dn, account.dn);
      await startTls.resetPassword(account, 'After-Restart-11');
      assert.equal(await directory.verifyPassword(account, 'After-Restart-11'), true);
    } finally {
      await startTls.close();
    }
  });
});
