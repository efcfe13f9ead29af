import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  OperationsError,
  StrongAuthRequiredError,
  UnavailableCriticalExtensionError,
  UnwillingToPerformError,
} from 'ldapts';
import { translateAdError } from '../../../src/directory/ad/ad-error-translator.js';
import { DirectoryError } from '../../../src/directory/onprem/onprem-directory.js';

/** Samba 4.17 texts as the DC of test/support/samba-ad.ts answers them (ldapts appends " Code: 0x.."). */
const SAMBA = 'Constraint violation - check_password_restrictions:';

function reason(error: unknown) {
  return translateAdError(error).reason;
}

describe('translateAdError', () => {
  it('maps the 0000052D password-restriction texts to precise reasons', () => {
    const cases: [string, string][] = [
      [`0000052D: ${SAMBA} the password is too short. It should be equal or longer than 8 characters! Code: 0x13`, 'too-short'],
      [`0000052D: ${SAMBA} the password does not meet the complexity criteria! Code: 0x13`, 'not-complex'],
      [`0000052D: ${SAMBA} the password was already used (in history)! Code: 0x13`, 'in-history'],
      [`0000052D: ${SAMBA} the password was already used (previous password)! Code: 0x13`, 'in-history'],
      [`0000052D: ${SAMBA} password is too young to change! Code: 0x13`, 'too-young'],
      ['0000052D: Constraint violation - something a password filter said Code: 0x13', 'policy'],
    ];
    for (const [text, expected] of cases) assert.equal(reason(new ConstraintViolationError(text)), expected, text);
  });

  it('maps a Windows reset refusal (53 + 0000052D, no rule named) to policy', () => {
    const text = '0000052D: SvcErr: DSID-031A126C, problem 5003 (WILL_NOT_PERFORM), data 0 Code: 0x35';
    assert.equal(reason(new UnwillingToPerformError(text)), 'policy');
  });

  it('maps 00000056 to wrong-old-password', () => {
    const text = `00000056: ${SAMBA} The old password specified doesn't match! Code: 0x13`;
    assert.equal(reason(new ConstraintViolationError(text)), 'wrong-old-password');
  });

  it('maps access and encryption refusals', () => {
    assert.equal(reason(new InsufficientAccessError('00002098: insufficient access Code: 0x32')), 'access-denied');
    assert.equal(reason(new UnwillingToPerformError('0000001F: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM), data 0 Code: 0x35')), 'encryption-required');
    assert.equal(reason(new StrongAuthRequiredError('BindSimple: Transport encryption required. Code: 0x8')), 'encryption-required');
    assert.equal(reason(new OperationsError('00002020: Operation unavailable without authentication Code: 0x1')), 'access-denied');
    assert.equal(reason(new UnavailableCriticalExtensionError(' Code: 0xc')), 'access-denied');
  });

  it('maps the bind data codes of 49', () => {
    const bind = (data: string) =>
      new InvalidCredentialsError(`80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data ${data}, v4563 Code: 0x31`);
    const expected: Record<string, string> = {
      '52e': 'invalid-credentials',
      '525': 'user-not-found',
      '775': 'locked',
      '533': 'disabled',
      '773': 'must-change',
      '532': 'expired',
      '701': 'expired',
      '530': 'access-denied',
      '531': 'access-denied',
    };
    for (const [data, want] of Object.entries(expected)) assert.equal(reason(bind(data)), want, data);
    assert.equal(reason(new InvalidCredentialsError(' Code: 0x31')), 'invalid-credentials');
  });

  it('maps transport failures to unreachable or timeout, and keeps the raw text', () => {
    assert.equal(reason(new Error('connect ECONNREFUSED 127.0.0.1:636')), 'unreachable');
    assert.equal(reason(new Error('Connection timeout')), 'timeout');
    assert.equal(reason(new Error('ModifyRequest: Operation timed out')), 'timeout');
    assert.equal(reason(new Error("Hostname/IP does not match certificate's altnames")), 'unreachable');
    const translated = translateAdError(new Error('Socket error. Message type: BindRequest (0x60)'));
    assert.equal(translated.raw, 'Socket error. Message type: BindRequest (0x60)');
  });

  it('passes a DirectoryError through and keeps the LDAP code', () => {
    const original = new DirectoryError('protected-account', 'x');
    assert.equal(translateAdError(original), original);
    assert.equal(translateAdError(new InsufficientAccessError('no Code: 0x32')).ldapCode, 50);
  });
});
