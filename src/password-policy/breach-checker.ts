/** The common interface of breached-password checkers, and the HIBP hashing convention. */
import { createHash } from 'node:crypto';

/** Answers "does this password appear in a breach corpus?" */
export interface BreachChecker {
  has(password: string): Promise<boolean>;
}

/** Thrown when a checker cannot answer (service down, timeout); callers decide fail-open/closed. */
export class BreachCheckUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BreachCheckUnavailableError';
  }
}

/** SHA-1 of the password's UTF-8 bytes, as HIBP's Pwned Passwords hashes it. */
export function sha1OfPassword(password: string): Buffer {
  return createHash('sha1').update(password, 'utf8').digest();
}

/** Upper-case hex SHA-1 of the password's UTF-8 bytes (HIBP convention). */
export function sha1HexOfPassword(password: string): string {
  return sha1OfPassword(password).toString('hex').toUpperCase();
}
