/**
 * The one TOTP profile sspr issues (RFC 6238): HMAC-SHA-1, 6 digits, 30-second steps counted from the Unix
 * epoch (T0 = 0). It is the only profile every authenticator app supports; Google Authenticator, for one,
 * ignores `algorithm`, `digits` and `period` in the URI. SHA-1 is sound inside HMAC (RFC 6238 §5.1 and
 * RFC 2104), so nothing is gained by deviating.
 */
export const TOTP_ALGORITHM = 'SHA1';
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;

/** 160-bit secrets: RFC 4226 §4 requires ≥ 128 bits and recommends 160 (the HMAC-SHA-1 output size). */
export const TOTP_SECRET_BYTES = 20;

/** How many steps either side of the current one are accepted (RFC 6238 §5.2: at most one, for clock drift). */
export const TOTP_WINDOW_STEPS = 1;

/** The RFC 6238 §4.2 time step T for a Unix time in milliseconds. */
export function totpStepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}
