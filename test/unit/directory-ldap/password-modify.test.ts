import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodePasswordModifyRequest } from '../../../src/directory/ldap-common/password-modify.js';

describe('Password Modify request value (RFC 3062)', () => {
  it('admin reset: SEQUENCE { [0] userIdentity, [2] newPasswd }', () => {
    const value = encodePasswordModifyRequest({ userIdentity: 'uid=a', newPassword: 'pw' });
    assert.equal(value.toString('hex'), '300b' + '8005' + Buffer.from('uid=a').toString('hex') + '8202' + Buffer.from('pw').toString('hex'));
  });

  it('self change: SEQUENCE { [1] oldPasswd, [2] newPasswd }, UTF-8 lengths in bytes', () => {
    const value = encodePasswordModifyRequest({ oldPassword: 'ä', newPassword: 'n' });
    assert.equal(value.toString('hex'), '3007' + '8102c3a4' + '82016e');
  });

  it('long values use long-form lengths', () => {
    const value = encodePasswordModifyRequest({ newPassword: 'x'.repeat(200) });
    assert.equal(value.subarray(0, 6).toString('hex'), '3081cb' + '8281c8');
    assert.equal(value.length, 3 + 3 + 200);
  });
});
