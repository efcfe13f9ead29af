/**
 * Maps ldapts failures to DirectoryError reasons, by LDAP result code (RFC 4511 §A.2) and — for OpenLDAP's
 * ppolicy, whose response control ldapts does not expose on errors — by the server's diagnostic text.
 * The raw text is kept in `DirectoryError.raw` for logs and audit.
 */
import { ResultCodeError } from 'ldapts';
import { DirectoryError, type DirectoryFailure } from '../onprem/onprem-directory.js';

/** What the translator may know about the attempted operation to be more precise. */
export interface TranslationContext {
  /** The new password of a reset/change, to tell "too short" from "not complex" (compared in code points). */
  newPassword?: string;
  /** pwdMinLength of the applicable policy. */
  minLength?: number;
  /** The account is known to be locked (pwdAccountLockedTime set): a 49 then means 'locked'. */
  locked?: boolean;
}

const TIMEOUT = /timed? ?out|ETIMEDOUT/i;

/**
 * The failure for an OpenLDAP ppolicy constraint violation (19), from the server text. "fails quality checking
 * policy" covers both pwdMinLength and pwdCheckQuality/check modules; slapd measures length in bytes, so a
 * password shorter than pwdMinLength in code points is 'too-short', a longer one 'not-complex'.
 */
function policyFailure(text: string, context: TranslationContext): DirectoryFailure {
  if (/in history of old passwords|not being changed from existing value/i.test(text)) return 'in-history';
  if (/too young to change/i.test(text)) return 'too-young';
  if (/password is too short/i.test(text)) return 'too-short';
  if (/fails quality checking policy|insufficient password quality/i.test(text)) {
    if (context.newPassword === undefined || context.minLength === undefined) return 'policy';
    return [...context.newPassword].length < context.minLength ? 'too-short' : 'not-complex';
  }
  if (/password expired|password has expired/i.test(text)) return 'expired';
  return 'policy';
}

function resultCodeFailure(code: number, text: string, context: TranslationContext): DirectoryFailure {
  switch (code) {
    case 19: // constraintViolation
      return policyFailure(text, context);
    case 53: // unwillingToPerform
      if (/unwilling to verify old password|old password/i.test(text)) return 'wrong-old-password';
      if (/account locked|locked/i.test(text)) return 'locked';
      return 'policy';
    case 50: // insufficientAccessRights
      return /must change|restricted to bind\/unbind\/abandon\/StartTLS\/modify password/i.test(text)
        ? 'must-change'
        : 'access-denied';
    case 49: // invalidCredentials (OpenLDAP answers the same for a locked account)
      return context.locked ? 'locked' : 'invalid-credentials';
    case 8: // strongAuthRequired: OpenLDAP also says so for a Password Modify on an anonymous session
      return /only authenticated users/i.test(text) ? 'access-denied' : 'encryption-required';
    case 13: // confidentialityRequired
      return 'encryption-required';
    case 32: // noSuchObject
      return 'user-not-found';
    case 3: // timeLimitExceeded
      return 'timeout';
    case 51: // busy
    case 52: // unavailable
    case 80: // other (used by some servers when a backend is down)
      return 'unreachable';
    default:
      return 'policy';
  }
}

/** Translates any error thrown by an LDAP operation; DirectoryErrors pass through unchanged. */
export function translateLdapError(error: unknown, context: TranslationContext = {}): DirectoryError {
  if (error instanceof DirectoryError) return error;
  if (error instanceof ResultCodeError) {
    const raw = error.message;
    return new DirectoryError(resultCodeFailure(error.code, raw, context), raw, error.code);
  }
  const raw = error instanceof Error ? `${error.message}${codeOf(error)}` : String(error);
  // Not an LDAP result: socket, DNS, TLS (untrusted or mismatched certificate) or timeout. The raw text names which.
  return new DirectoryError(TIMEOUT.test(raw) ? 'timeout' : 'unreachable', raw);
}

function codeOf(error: Error): string {
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' ? ` (${code})` : '';
}
