/**
 * Whole-password check against the shipped list of very common passwords. Both sides are
 * normalised (normalize.ts), so leetspeak and capitalisation variants of a listed password
 * are caught too. The set is built on first use.
 */
import { COMMON_PASSWORDS } from './lists/common-passwords.js';
import { normalizePassword } from './normalize.js';

let normalizedCommonPasswords: Set<string> | undefined;

/** True if the normalised password equals a normalised entry of the common-password list. */
export function isCommonPassword(normalizedPassword: string): boolean {
  normalizedCommonPasswords ??= new Set(COMMON_PASSWORDS.map(normalizePassword));
  return normalizedCommonPasswords.has(normalizedPassword);
}
