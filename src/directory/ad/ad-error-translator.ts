import { ResultCodeError } from 'ldapts';
import { DirectoryError, type DirectoryFailure } from '../onprem/onprem-directory.js';

/**
 * Turns whatever ldapts throws at the AD connector into a DirectoryError with a precise reason.
 *
 * Sources for the texts: MS-ADTS 3.1.1.3.1.5 (unicodePwd), the Win32 error codes that AD embeds at the start
 * of the diagnostic message (0000052D ERROR_PASSWORD_RESTRICTION, 00000056 ERROR_INVALID_PASSWORD,
 * 0000001F ERROR_GEN_FAILURE for "needs encryption"), KB 2000426-style bind "data" sub-codes, and the exact
 * texts Samba 4.17 answers (the ones test/unit/directory-ad/ad-error-translator.test.ts replays).
 *
 * Windows DCs do not say which rule a 0000052D violated (and answer a *reset* with 53 rather than 19);
 * Samba does, so the specific reasons are only ever produced from Samba's wording, everything else is 'policy'.
 */
export function translateAdError(error: unknown): DirectoryError {
  if (error instanceof DirectoryError) return error;
  if (error instanceof ResultCodeError) return fromResultCode(error.code, error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new DirectoryError(isTimeout(message) ? 'timeout' : 'unreachable', message);
}

/** Bind failures: the `data XXX` sub-code of LDAP 49 (MS-ADTS / KB 2000426 "Common Active Directory bind errors"). */
const BIND_DATA_CODES: Record<string, DirectoryFailure> = {
  '525': 'user-not-found',
  '52e': 'invalid-credentials',
  '530': 'access-denied', // not permitted to log on at this time
  '531': 'access-denied', // not permitted to log on at this workstation
  '532': 'expired', // password expired
  '533': 'disabled',
  '568': 'access-denied', // too many security IDs in the token
  '701': 'expired', // account expired
  '773': 'must-change',
  '775': 'locked',
};

function fromResultCode(code: number, message: string): DirectoryError {
  const reason = reasonForResultCode(code, message);
  return new DirectoryError(reason, message, code);
}

function reasonForResultCode(code: number, message: string): DirectoryFailure {
  const text = message.toLowerCase();
  if (code === 49) {
    const dataCode = /\bdata ([0-9a-f]{3,8})\b/i.exec(message)?.[1]?.toLowerCase();
    return (dataCode !== undefined ? BIND_DATA_CODES[dataCode] : undefined) ?? 'invalid-credentials';
  }
  if (text.includes('0000052d')) return passwordRestrictionReason(text);
  if (text.includes('00000056')) return 'wrong-old-password';
  switch (code) {
    case 3: // timeLimitExceeded
      return 'timeout';
    case 8: // strongerAuthRequired: "Transport encryption required" (simple bind over clear LDAP)
    case 13: // confidentialityRequired
      return 'encryption-required';
    case 50: // insufficientAccessRights: no Reset Password right, or a protected (SDProp) account
      return 'access-denied';
    case 51: // busy
    case 52: // unavailable
      return 'unreachable';
    case 53: // unwillingToPerform: 0000001F = unicodePwd over an unencrypted connection
      return text.includes('0000001f') ? 'encryption-required' : 'access-denied';
    case 32: // noSuchObject: the account vanished between lookup and write
      return 'user-not-found';
    default:
      // 1 operationsError 00002020 (change without a bind) and anything unclassified: the directory refused.
      return 'access-denied';
  }
}

/** ERROR_PASSWORD_RESTRICTION: Samba names the rule; Windows does not. */
function passwordRestrictionReason(text: string): DirectoryFailure {
  if (text.includes('too short')) return 'too-short';
  if (text.includes('complexity')) return 'not-complex';
  if (text.includes('(in history)') || text.includes('(previous password)')) return 'in-history';
  if (text.includes('too young')) return 'too-young';
  return 'policy';
}

function isTimeout(message: string): boolean {
  return /timed? ?out|timeout|ETIMEDOUT/i.test(message);
}
