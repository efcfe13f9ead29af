/**
 * One-time enrolment tokens: an administrator creates one, copies it to the agent host once, and the agent
 * presents it on first connect to register its public key. Only the SHA-256 digest is stored (tokenDigest),
 * the token is single use and expires (default 24 h).
 */
import { randomToken, safeEqual, tokenDigest } from '../../crypto/tokens.js';

export const ENROLMENT_TOKEN_PREFIX = 'sspr-enrol-';
export const DEFAULT_ENROLMENT_TTL_MS = 24 * 60 * 60_000;
const MAX_ENROLMENT_TTL_MS = 7 * 24 * 60 * 60_000;
/** 24 random bytes = 192 bits from the CSPRNG (≥ 128 required). */
const TOKEN_BYTES = 24;

export interface EnrolmentToken {
  /** Shown to the administrator once; never stored. */
  token: string;
  /** tokenDigest(token): what is stored. */
  digest: string;
  /** Epoch ms; the token is refused from this instant on. */
  expiresAt: number;
}

export interface StoredEnrolmentToken {
  digest: string;
  expiresAt: number;
  /** Epoch ms of the successful enrolment, or null while unused. */
  usedAt: number | null;
}

export type EnrolmentCheck = 'ok' | 'unknown' | 'expired' | 'used';

export function createEnrolmentToken(now: number, ttlMs: number = DEFAULT_ENROLMENT_TTL_MS): EnrolmentToken {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_ENROLMENT_TTL_MS) {
    throw new RangeError('enrolment token lifetime must be between 1 ms and 7 days');
  }
  const token = `${ENROLMENT_TOKEN_PREFIX}${randomToken(TOKEN_BYTES)}`;
  return { token, digest: tokenDigest(token), expiresAt: now + ttlMs };
}

/**
 * Checks a presented token against the stored record (null when none was found). The digest comparison is
 * constant-time; 'used' and 'expired' are only reported to a holder of the right token. The caller marks the
 * record used (usedAt = now) atomically with the enrolment after an 'ok'.
 */
export function checkEnrolmentToken(
  presented: string,
  stored: StoredEnrolmentToken | null,
  now: number,
): EnrolmentCheck {
  const digest = tokenDigest(typeof presented === 'string' ? presented : '');
  const matches = safeEqual(digest, stored?.digest ?? tokenDigest(''));
  if (!stored || !matches || !presented.startsWith(ENROLMENT_TOKEN_PREFIX)) return 'unknown';
  if (stored.usedAt !== null) return 'used';
  if (now >= stored.expiresAt) return 'expired';
  return 'ok';
}
