export type SealRefusal = 'wrong-key' | 'tampered' | 'expired' | 'wrong-job' | 'malformed';

/** Why an envelope was refused; the message carries the reason only, never key or field details. */
export class SealError extends Error {
  constructor(readonly reason: SealRefusal) {
    super(`sealed password refused: ${reason}`);
    this.name = 'SealError';
  }
}
