import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toAccount } from '../../../src/directory/ad/ad-account.js';
import { parseAdConfig } from '../../../src/directory/ad/ad-config.js';
import { EntryReader } from '../../../src/directory/ad/ad-entry.js';
import { isProtectedAccount, normaliseDn } from '../../../src/directory/ad/ad-protected.js';

const config = parseAdConfig({ url: 'ldaps://dc', bindUpn: 'svc@x.test', bindPassword: 'x', baseDn: 'DC=x,DC=test' });
const DOMAIN_SID = Buffer.from('AQQAAAAAAAUVAAAAAgfA4OLsGT/bxHOd', 'base64');
function userSid(rid: number): Buffer {
  const sid = Buffer.alloc(DOMAIN_SID.length + 4);
  DOMAIN_SID.copy(sid);
  sid[1] = 5;
  sid.writeUInt32LE(rid, DOMAIN_SID.length);
  return sid;
}

function entry(attributes: Record<string, string | string[] | Buffer>) {
  return new EntryReader({ dn: 'CN=u,OU=People,DC=x,DC=test', sAMAccountName: 'u', objectSid: userSid(1105), ...attributes });
}

describe('toAccount', () => {
  it('reads state from userAccountControl, the computed flags and pwdLastSet', () => {
    const account = toAccount(
      entry({
        userAccountControl: String(0x2 | 0x10000),
        'msDS-User-Account-Control-Computed': String(0x10 | 0x800000),
        pwdLastSet: '0',
        accountExpires: '116444736000000000', // 1970-01-01: expired
        objectGUID: Buffer.from('KtdEtZycA0+Or7aXRoYdlA==', 'base64'),
      }),
      config,
      new Set(),
    );
    assert.deepEqual(
      [account.enabled, account.locked, account.passwordExpired, account.mustChangePassword, account.accountExpired, account.passwordNeverExpires],
      [false, true, true, true, true, true],
    );
    assert.equal(account.anchor, 'b544d72a-9c9c-4f03-8eaf-b69746861d94');
  });

  it('treats accountExpires 0 and 2^63-1 as never', () => {
    for (const never of ['0', '9223372036854775807']) {
      assert.equal(toAccount(entry({ accountExpires: never }), config, new Set()).accountExpired, false);
    }
  });

  it('marks protected accounts: adminCount, protected RID, primary group, membership', () => {
    const protectedDns = new Set([normaliseDn('CN=Renamed Admins,CN=Users,DC=x,DC=test')]);
    const flag = (attributes: Record<string, string | string[] | Buffer>) => toAccount(entry(attributes), config, protectedDns).protectedAccount;
    assert.equal(flag({}), false);
    assert.equal(flag({ adminCount: '1' }), true);
    assert.equal(flag({ objectSid: userSid(500) }), true);
    assert.equal(flag({ primaryGroupID: '512' }), true);
    assert.equal(flag({ memberOf: 'CN=Renamed Admins, CN=Users, DC=x, DC=test' }), true);
    assert.equal(flag({ memberOf: ['CN=Staff,OU=Groups,DC=x,DC=test', 'CN=Backup Operators,CN=Builtin,DC=x,DC=test'] }), true);
    assert.equal(flag({ memberOf: 'CN=Domain Admins,OU=Fake,DC=x,DC=test' }), false, 'name match only inside CN=Users/CN=Builtin');
  });

  it('isProtectedAccount honours configured extra groups', () => {
    const facts = { adminCount: 0, sid: null, primaryGroupId: 513, memberOf: ['CN=Tier0,OU=Groups,DC=x,DC=test'] };
    assert.equal(isProtectedAccount(facts, new Set()), false);
    assert.equal(isProtectedAccount(facts, new Set([normaliseDn('cn=tier0,ou=groups,dc=x,dc=test')])), true);
  });
});
