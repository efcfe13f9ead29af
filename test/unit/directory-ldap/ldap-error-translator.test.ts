import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfidentialityRequiredError,
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  StrongAuthRequiredError,
  UnwillingToPerformError,
} from 'ldapts';
import { translateLdapError } from '../../../src/directory/ldap/ldap-error-translator.js';
import { DirectoryError } from '../../../src/directory/onprem/onprem-directory.js';

// Exact texts OpenLDAP 2.5 + ppolicy sends, as seen from ldapts (test-servers.md).
const QUALITY = new ConstraintViolationError('Password fails quality checking policy');

describe('translateLdapError (OpenLDAP ppolicy texts)', () => {
  it('quality failure: too-short below pwdMinLength (code points), not-complex at or above, policy when unknown', () => {
    assert.equal(translateLdapError(QUALITY, { newPassword: 'Short1', minLength: 8 }).reason, 'too-short');
    assert.equal(translateLdapError(QUALITY, { newPassword: 'ääääääa', minLength: 8 }).reason, 'too-short');
    assert.equal(translateLdapError(QUALITY, { newPassword: 'Long-enough-1', minLength: 8 }).reason, 'not-complex');
    assert.equal(translateLdapError(QUALITY).reason, 'policy');
  });

  it('history, same value, minimum age', () => {
    const reason = (text: string) => translateLdapError(new ConstraintViolationError(text)).reason;
    assert.equal(reason('Password is in history of old passwords'), 'in-history');
    assert.equal(reason('Password is not being changed from existing value'), 'in-history');
    assert.equal(reason('Password is too young to change'), 'too-young');
    assert.equal(reason('pwdFailureTime: no user modification allowed'), 'policy');
  });

  it('wrong old password, access, must-change restriction', () => {
    assert.equal(translateLdapError(new UnwillingToPerformError('unwilling to verify old password')).reason, 'wrong-old-password');
    assert.equal(translateLdapError(new InsufficientAccessError('')).reason, 'access-denied');
    assert.equal(
      translateLdapError(new InsufficientAccessError('Operations are restricted to bind/unbind/abandon/StartTLS/modify password')).reason,
      'must-change',
    );
  });

  it('49 is invalid-credentials unless the account is known to be locked', () => {
    assert.equal(translateLdapError(new InvalidCredentialsError('')).reason, 'invalid-credentials');
    assert.equal(translateLdapError(new InvalidCredentialsError(''), { locked: true }).reason, 'locked');
  });

  it('encryption required, missing entry', () => {
    assert.equal(translateLdapError(new StrongAuthRequiredError('confidentiality required')).reason, 'encryption-required');
    assert.equal(translateLdapError(new ConfidentialityRequiredError('TLS confidentiality required')).reason, 'encryption-required');
    assert.equal(translateLdapError(new NoSuchObjectError('')).reason, 'user-not-found');
    // slapd's answer to a Password Modify on an anonymous session is 8 too, but it is not about encryption.
    assert.equal(translateLdapError(new StrongAuthRequiredError('only authenticated users may change passwords')).reason, 'access-denied');
  });

  it('keeps the raw text and the LDAP code', () => {
    const error = translateLdapError(new ConstraintViolationError('Password is in history of old passwords'));
    assert.equal(error.ldapCode, 19);
    assert.equal(error.raw, 'Password is in history of old passwords Code: 0x13');
  });

  it('connection failures: unreachable or timeout, with the system code in raw', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.deepEqual([translateLdapError(refused).reason, translateLdapError(refused).raw], [
      'unreachable',
      'connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)',
    ]);
    const cert = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    assert.equal(translateLdapError(cert).reason, 'unreachable');
    assert.equal(translateLdapError(new Error('SearchRequest: Operation timed out')).reason, 'timeout');
    assert.equal(translateLdapError(new Error('Connection timeout')).reason, 'timeout');
  });

  it('passes DirectoryErrors through', () => {
    const original = new DirectoryError('multiple-matches', 'x');
    assert.equal(translateLdapError(original), original);
  });
});
