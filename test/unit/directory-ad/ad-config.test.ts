import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAdConfig } from '../../../src/directory/ad/ad-config.js';

const base = { url: 'ldaps://dc1.example.test', bindUpn: 'svc@example.test', bindPassword: 'x', baseDn: 'DC=example,DC=test' };

describe('AD config', () => {
  it('fills the defaults', () => {
    const config = parseAdConfig(base);
    assert.equal(config.loginAttribute, 'sAMAccountName');
    assert.equal(config.mustChangeAfterSelfServiceReset, false);
    assert.deepEqual(config.attributes, { email: 'mail', mobile: 'mobile', firstName: 'givenName', lastName: 'sn', displayName: 'displayName', anchor: 'objectGUID' });
    assert.deepEqual(config.protectedGroups, []);
    assert.equal(config.timeoutMs, 10_000);
  });

  it('refuses plain ldap:// without StartTLS, accepts it with', () => {
    assert.throws(() => parseAdConfig({ ...base, url: 'ldap://dc1.example.test' }), /encrypted/);
    assert.equal(parseAdConfig({ ...base, url: 'ldap://dc1.example.test', startTls: true }).startTls, true);
    assert.throws(() => parseAdConfig({ ...base, startTls: true }), /ldap:\/\/ only/);
  });

  it('needs exactly one of bindDn and bindUpn, and knows no other keys', () => {
    const { bindUpn: _unused, ...noBind } = base;
    assert.throws(() => parseAdConfig(noBind), /exactly one/);
    assert.throws(() => parseAdConfig({ ...base, bindDn: 'CN=svc,DC=example,DC=test' }), /exactly one/);
    assert.throws(() => parseAdConfig({ ...base, bindPasword: 'typo' }));
    assert.throws(() => parseAdConfig({ ...base, loginAttribute: 'uid' }));
    assert.throws(() => parseAdConfig({ ...base, url: 'https://dc1' }));
  });
});
