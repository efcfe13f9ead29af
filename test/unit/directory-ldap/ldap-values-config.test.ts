import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { booleanValue, firstValue, generalizedTime, numberValue, values } from '../../../src/directory/ldap-common/ldap-values.js';
import { tlsOptionsFor } from '../../../src/directory/ldap-common/ldap-pool.js';
import { ldapConfigSchema } from '../../../src/directory/ldap/ldap-config.js';

describe('attribute values', () => {
  const entry = { dn: 'uid=a', pwdReset: 'TRUE', PwdMinLength: '8', mail: ['a@x', 'b@x'], jpeg: Buffer.from('hi') };
  it('reads case-insensitively, as strings, numbers, booleans', () => {
    assert.deepEqual(values(entry, 'mail'), ['a@x', 'b@x']);
    assert.equal(firstValue(entry, 'pwdminlength'), '8');
    assert.equal(numberValue(entry, 'pwdMinLength'), 8);
    assert.equal(booleanValue(entry, 'pwdReset'), true);
    assert.equal(firstValue(entry, 'jpeg'), 'hi');
    assert.equal(firstValue(entry, 'missing'), null);
    assert.deepEqual(values(entry, 'dn'), []);
  });

  it('parses GeneralizedTime as OpenLDAP writes it', () => {
    assert.equal(generalizedTime('20261125185826Z')?.toISOString(), '2026-11-25T18:58:26.000Z');
    assert.equal(generalizedTime('20261125185826.300633Z')?.toISOString(), '2026-11-25T18:58:26.301Z');
    assert.equal(generalizedTime('000001010000Z'), null);
    assert.equal(generalizedTime(null), null);
  });
});

describe('ldap config', () => {
  const base = { url: 'ldaps://ldap.example.org', bindDn: 'cn=svc,dc=x', bindPassword: 'p', baseDn: 'ou=users,dc=x' };
  it('fills defaults', () => {
    const config = ldapConfigSchema.parse(base);
    assert.equal(config.loginAttribute, 'uid');
    assert.equal(config.startTls, false);
    assert.deepEqual(config.attributes, {
      mail: 'mail', mobile: 'mobile', givenName: 'givenName', sn: 'sn', displayName: 'cn', anchor: 'entryUUID',
    });
  });

  it('refuses plain LDAP, StartTLS on ldaps, unknown keys and bad attribute names', () => {
    assert.equal(ldapConfigSchema.safeParse({ ...base, url: 'ldap://h:389' }).success, false);
    assert.equal(ldapConfigSchema.safeParse({ ...base, url: 'ldap://h:389', startTls: true }).success, true);
    assert.equal(ldapConfigSchema.safeParse({ ...base, startTls: true }).success, false);
    assert.equal(ldapConfigSchema.safeParse({ ...base, extra: 1 }).success, false);
    assert.equal(ldapConfigSchema.safeParse({ ...base, loginAttribute: 'uid)(x' }).success, false);
    assert.equal(ldapConfigSchema.safeParse({ ...base, attributes: { mail: 'mail', bogus: 'x' } }).success, false);
  });

  it('TLS options name the host for certificate checks (SNI only for names)', () => {
    const byName = tlsOptionsFor({ url: 'ldaps://ldap.example.org:636', startTls: false, timeoutMs: 1 });
    assert.equal(byName.host, 'ldap.example.org');
    assert.equal(byName.servername, 'ldap.example.org');
    const byIp = tlsOptionsFor({ url: 'ldap://127.0.0.1:389', startTls: true, timeoutMs: 1 });
    assert.equal(byIp.host, '127.0.0.1');
    assert.equal(byIp.servername, undefined);
    assert.equal(byIp.rejectUnauthorized, true);
  });
});
