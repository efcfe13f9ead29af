/**
 * Why a passkey ceremony was refused. Stable strings for logs, audit and API answers:
 * - malformed: the response is not shaped like a WebAuthn JSON response (or cannot be decoded);
 * - wrong-ceremony: a registration response where an authentication was expected, or vice versa;
 * - challenge-mismatch: not an answer to the challenge we issued (stale, foreign, or none kept);
 * - origin-mismatch: signed for another web origin;
 * - unknown-credential: the response names a credential other than the stored one it is checked against;
 * - counter-replay: the authenticator's signature counter did not move forward (cloned key or replay);
 * - not-verified: anything else the WebAuthn checks refused (RP ID, flags, signature, attestation).
 */
export type PasskeyFailureReason =
  | 'malformed'
  | 'wrong-ceremony'
  | 'challenge-mismatch'
  | 'origin-mismatch'
  | 'unknown-credential'
  | 'counter-replay'
  | 'not-verified';

/** Thrown by PasskeyService when it refuses a response. `detail` is for logs only — never show it. */
export class PasskeyError extends Error {
  readonly reason: PasskeyFailureReason;
  readonly detail: string | undefined;

  constructor(reason: PasskeyFailureReason, detail?: string, options?: { cause?: unknown }) {
    super(`passkey refused: ${reason}${detail ? ` (${detail})` : ''}`, options);
    this.name = 'PasskeyError';
    this.reason = reason;
    this.detail = detail;
  }
}
