import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { TOTP_ALGORITHM, TOTP_DIGITS, TOTP_PERIOD_SECONDS, TOTP_SECRET_BYTES } from './totp-parameters.js';

export interface TotpEnrolmentRequest {
  /** Shown by the authenticator app above the account, e.g. the organisation or "sspr". */
  issuer: string;
  /** Which account the entry is for, e.g. the user's login name or email address. */
  accountName: string;
}

export interface TotpEnrolment {
  /** The shared secret, RFC 4648 base32 without padding. The caller stores it encrypted at rest. */
  secretBase32: string;
  /** The Key URI (`otpauth://totp/Issuer:account?secret=…&issuer=…`) to show as a QR code. Contains the secret. */
  uri: string;
}

/**
 * Starts a TOTP enrolment: a fresh 160-bit secret from the CSPRNG and its otpauth:// Key URI. Nothing is
 * active yet: the caller keeps the secret pending until the user proves possession with a first valid code
 * (`verifyTotp`), and stores that code's step as `lastUsedStep`.
 */
export function createTotpEnrolment({ issuer, accountName }: TotpEnrolmentRequest): TotpEnrolment {
  const cleanIssuer = issuer.trim();
  const cleanAccount = accountName.trim();
  if (cleanIssuer === '' || cleanAccount === '') throw new RangeError('TOTP issuer and account name must not be empty');
  // The Key URI format separates issuer and account with ':' in the label; a ':' inside either is ambiguous.
  if (cleanIssuer.includes(':')) throw new RangeError('TOTP issuer must not contain ":"');

  const secret = new Secret({ buffer: toArrayBuffer(randomBytes(TOTP_SECRET_BYTES)) });
  const totp = new TOTP({
    issuer: cleanIssuer,
    label: cleanAccount,
    issuerInLabel: true,
    secret,
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
  return { secretBase32: secret.base32, uri: totp.toString() };
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return copy;
}
