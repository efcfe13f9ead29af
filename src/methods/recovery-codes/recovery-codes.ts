import { randomBytes } from 'node:crypto';
import { hmac, safeEqual } from '../../crypto/tokens.js';
import { canonicaliseCrockford, encodeCrockford, isCrockford } from './crockford-base32.js';

/**
 * Recovery codes: single-use look-up secrets (NIST SP 800-63B §5.1.2) shown once at registration.
 *
 * Each code carries 80 bits from the CSPRNG (10 bytes → 16 Crockford base32 characters, no modulo bias),
 * displayed as "xxxx-xxxx-xxxx-xxxx" in lower case.
 *
 * Stored as HMAC-SHA256 under a server key, not Argon2. A slow hash multiplies an attacker's cost per guess
 * by a constant (~10⁴); that decides the outcome for a secret a person chose, whose likely values number in
 * the millions, but not for 2⁸⁰ uniformly random values — the same reasoning as for API tokens. The key,
 * kept outside the database, means a database leak alone allows no offline guessing at all, and a fast
 * keyed hash lets `findRecoveryCode` compare against all of a user's digests on every attempt.
 * Note: NIST SP 800-63B §5.1.2.2 asks for a salted KDF below 112 bits of entropy; the per-user key
 * (`recoveryCodeKeyFor`) plays the salt's part (no guess can be tested against two users' codes), the HMAC
 * key stands in for the work factor.
 * Caveats the caller must honour: pass the per-user key; null a digest once its code is used (single use);
 * rate-limit attempts like any other method.
 */

export const RECOVERY_CODE_LENGTH = 16;
const RECOVERY_CODE_BYTES = 10;
const DOMAIN = 'sspr/recovery-code/v1';

export interface GeneratedRecoveryCodes {
  /** For display, once; never stored or logged. */
  codes: string[];
  /** To store, in the same order as `codes`. */
  digests: string[];
}

/** A per-user key for recovery-code digests, derived from a service key (e.g. keys.keyFor('code-hash')). */
export function recoveryCodeKeyFor(serviceKey: Buffer, userId: string): Buffer {
  return Buffer.from(hmac(serviceKey, DOMAIN, 'user-key', userId), 'base64url');
}

/** Generates `count` fresh codes (default 10) and their digests under `key`. */
export function generateRecoveryCodes(key: Buffer, count = 10): GeneratedRecoveryCodes {
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new RangeError(`recovery code count must be 1–100, got ${count}`);
  }
  const canonical = Array.from({ length: count }, () => encodeCrockford(randomBytes(RECOVERY_CODE_BYTES)));
  return {
    codes: canonical.map(formatRecoveryCode),
    digests: canonical.map((code) => digestCanonical(key, code)),
  };
}

/** Display form of a canonical code: lower case, in four groups of four. */
export function formatRecoveryCode(canonical: string): string {
  return canonical.toLowerCase().replace(/(.{4})(?!$)/g, '$1-');
}

/**
 * The canonical form of what a user typed: whitespace and dashes removed, upper case, I/L read as 1 and O
 * as 0. Null unless the result is exactly 16 characters of the Crockford alphabet (U, among others, is not).
 */
export function normaliseRecoveryCode(input: string): string | null {
  const compact = input.normalize('NFKC').replace(/[\s\-\u2010-\u2015\u2212]/gu, '');
  const canonical = canonicaliseCrockford(compact);
  return canonical.length === RECOVERY_CODE_LENGTH && isCrockford(canonical) ? canonical : null;
}

/** The digest to store for a code: HMAC-SHA256(key, canonical code), base64url. Throws on a malformed code. */
export function digestRecoveryCode(key: Buffer, code: string): string {
  const canonical = normaliseRecoveryCode(code);
  if (canonical === null) throw new RangeError('not a recovery code');
  return digestCanonical(key, canonical);
}

/**
 * The index of the digest that `input` matches, or -1 (also for malformed input). Used codes are null in
 * `digests`. Every entry is compared in constant time and the loop never stops early, so the time taken
 * depends only on the number of entries, not on which one (if any) matched.
 */
export function findRecoveryCode(key: Buffer, input: string, digests: readonly (string | null)[]): number {
  const canonical = normaliseRecoveryCode(input);
  if (canonical === null) return -1;
  const digest = digestCanonical(key, canonical);
  let found = -1;
  digests.forEach((stored, index) => {
    // A used (null) slot is compared against the digest itself with the result discarded: same work, no match.
    const matches = safeEqual(digest, stored ?? digest) && stored !== null;
    if (matches && found === -1) found = index;
  });
  return found;
}

function digestCanonical(key: Buffer, canonical: string): string {
  if (key.length < 32) throw new RangeError('recovery code key must be at least 32 bytes');
  return hmac(key, DOMAIN, canonical);
}
