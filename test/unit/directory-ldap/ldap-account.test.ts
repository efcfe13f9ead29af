import { describe, it } from 'node:test';
import type { Entry } from 'ldapts';
import assert from 'node:assert/strict';
import { accountFromEntry, passwordPolicyFromEntry, syncedAccountFromEntry } from '../../../src/directory/ldap/ldap-account.js';
import { ldapPasswordFacts } from '../../../src/directory/ldap/ldap-password-facts.js';
import { syncedAccountFrom } from '../../../src/sync/sync-types.js';

const map = { login: 'uid', mail: 'mail', mobile: 'mobile', givenName: 'givenName', sn: 'sn', displayName: 'cn', anchor: 'entryUUID' };
const now = Date.UTC(2026, 10, 25, 12, 0, 0);
const user = { dn: 'uid=a,ou=users,dc=x', uid: 'a', cn: 'A B', entryUUID: 'ABCDEF00-0000-4000-8000-000000000000' };

describe('accountFromEntry', () => {
  it('a plain entry: enabled, unlocked, never expires without pwdMaxAge', () => {
    const account = accountFromEntry(user, null, map, now);
    assert.equal(account.anchor, 'abcdef00-0000-4000-8000-000000000000');
    assert.equal(account.email, null);
    assert.deepEqual([account.enabled, account.locked, account.passwordExpired, account.passwordNeverExpires], [true, false, false, true]);
  });

  it('pwdChangedTime + pwdMaxAge in the past → password expired', () => {
    const policy = { dn: 'cn=p', pwdMaxAge: '3600' };
    assert.equal(accountFromEntry({ ...user, pwdChangedTime: '20261125100000Z' }, policy, map, now).passwordExpired, true);
    assert.equal(accountFromEntry({ ...user, pwdChangedTime: '20261125113000Z' }, policy, map, now).passwordExpired, false);
  });

  it('locks: timed lock ends after pwdLockoutDuration; the permanent lock means disabled', () => {
    const policy = { dn: 'cn=p', pwdLockoutDuration: '600' };
    assert.equal(accountFromEntry({ ...user, pwdAccountLockedTime: '20261125115500Z' }, policy, map, now).locked, true);
    assert.equal(accountFromEntry({ ...user, pwdAccountLockedTime: '20261125114000Z' }, policy, map, now).locked, false);
    assert.equal(accountFromEntry({ ...user, pwdAccountLockedTime: '20261125114000Z' }, null, map, now).locked, true);
    const permanent = accountFromEntry({ ...user, pwdAccountLockedTime: '000001010000Z' }, policy, map, now);
    assert.deepEqual([permanent.enabled, permanent.locked], [false, true]);
  });

  it('pwdReset → must change; pwdEndTime past → account expired', () => {
    const account = accountFromEntry({ ...user, pwdReset: 'TRUE', pwdEndTime: '20260101000000Z' }, null, map, now);
    assert.deepEqual([account.mustChangePassword, account.accountExpired], [true, true]);
  });
});

describe('syncedAccountFromEntry', () => {
  it('maps an entry as syncedAccountFrom(accountFromEntry(…)) plus ldapPasswordFacts would', () => {
    const entries: Entry[] = [
      { ...user, entryUUID: [], uid: [], cn: [] },
      { ...user, mail: 'a@x.org', mobile: ['+4470000000', '+4471111111'], givenName: 'A', sn: 'B', memberOf: ['cn=g1,dc=x', 'cn=g2,dc=x'] },
      { ...user, pwdAccountLockedTime: '000001010000Z', pwdChangedTime: '20261125100000Z', manager: 'uid=m,dc=x' },
      { ...user, pwdAccountLockedTime: '20261125115500Z', pwdReset: 'TRUE', pwdChangedTime: '20261125100000Z' },
      // Servers may spell attribute names differently from the request.
      { dn: 'uid=c,dc=x', UID: 'c', CN: 'C D', ENTRYUUID: 'ABCDEF00-0000-4000-8000-0000000000AA', MAIL: ['c@x.org'], PWDCHANGEDTIME: '20261101000000Z' },
    ];
    for (const entry of entries) {
      for (const maxAge of [null, 0, 3600]) {
        const expected = { ...syncedAccountFrom(accountFromEntry(entry, null, map)), ...ldapPasswordFacts(entry, maxAge) };
        assert.deepStrictEqual(syncedAccountFromEntry(entry, map, maxAge), expected);
      }
    }
  });
});

describe('passwordPolicyFromEntry', () => {
  it('maps the ppolicy knobs; complexity only with a check module', () => {
    const policy = { dn: 'cn=p', pwdMinLength: '8', pwdCheckQuality: '2', pwdInHistory: '3', pwdMinAge: '0', pwdLockout: 'TRUE', pwdMaxFailure: '3' };
    assert.deepEqual(passwordPolicyFromEntry(policy), { complexity: false, minLength: 8, historyLength: 3, minAgeSeconds: 0, lockoutThreshold: 3 });
    assert.equal(passwordPolicyFromEntry({ ...policy, pwdUseCheckModule: 'TRUE' }).complexity, true);
    assert.equal(passwordPolicyFromEntry({ ...policy, pwdLockout: 'FALSE' }).lockoutThreshold, undefined);
  });
});
