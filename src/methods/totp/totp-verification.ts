import { HOTP, Secret } from 'otpauth';
import { safeEqual } from '../../crypto/tokens.js';
import { TOTP_ALGORITHM, TOTP_DIGITS, TOTP_WINDOW_STEPS, totpStepAt } from './totp-parameters.js';

export interface TotpVerificationContext {
  /** The current time, Unix milliseconds (injected so tests and callers control the clock). */
  now: number;
  /** The step of the last code accepted for this secret, or null if none has been accepted yet. */
  lastUsedStep: number | null;
}

export type TotpVerification =
  /** Accepted. The caller stores `step` as the new `lastUsedStep`, atomically with accepting the code. */
  | { ok: true; step: number }
  /**
   * - `malformed`: not six digits (after removing spaces);
   * - `wrong`: matches no step in the window;
   * - `replayed`: matches only steps ≤ lastUsedStep, i.e. a code already used or older than one used.
   */
  | { ok: false; reason: 'malformed' | 'wrong' | 'replayed' };

/**
 * Verifies a TOTP code (RFC 6238) against the steps T-1, T and T+1 around `now` (§5.2: one step of
 * clock drift either way), and refuses a code whose step is not after `lastUsedStep`, so that each code —
 * and every code older than an accepted one — is accepted at most once (§5.2, "the verifier MUST NOT
 * accept the second attempt of the OTP after the successful validation").
 *
 * All steps of the window are computed and compared in constant time; the loop never stops early, so the
 * timing does not tell which step matched. Rate limiting of wrong codes is the caller's job
 * (RFC 4226 §7.3; 6 digits within a 3-step window give an attacker 3 in 10⁶ per guess).
 * Throws if `secretBase32` is not base32 (a stored secret is trusted input).
 */
export function verifyTotp(secretBase32: string, code: string, context: TotpVerificationContext): TotpVerification {
  const token = code.replace(/\s/g, '');
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(token)) return { ok: false, reason: 'malformed' };

  const secret = Secret.fromBase32(secretBase32);
  const currentStep = totpStepAt(context.now);
  const lastUsedStep = context.lastUsedStep ?? -Infinity;

  let freshMatch: number | null = null;
  let staleMatch = false;
  for (let step = currentStep - TOTP_WINDOW_STEPS; step <= currentStep + TOTP_WINDOW_STEPS; step++) {
    const expected = HOTP.generate({ secret, algorithm: TOTP_ALGORITHM, digits: TOTP_DIGITS, counter: step });
    if (!safeEqual(token, expected)) continue;
    // On the (10⁻⁶) chance that one code is valid for two steps, the earliest fresh step wins: it moves
    // lastUsedStep least and so locks out no later code needlessly.
    if (step <= lastUsedStep) staleMatch = true;
    else freshMatch ??= step;
  }

  if (freshMatch !== null) return { ok: true, step: freshMatch };
  return { ok: false, reason: staleMatch ? 'replayed' : 'wrong' };
}
