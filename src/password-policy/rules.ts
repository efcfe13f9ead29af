/**
 * The individual password rules. Each takes what it needs and returns the violations found
 * (code + parameters for the message); none does I/O. evaluate.ts runs them in order.
 */
import type { BannedTermEvaluation } from './banned-terms.js';
import type { RuleViolation } from './messages.js';
import { foldForNameMatch, normalizePassword } from './normalize.js';
import type { PasswordSettings } from './settings.js';

export type { RuleViolation };

/** AD: account-name and display-name parts shorter than this are not checked. */
export const MIN_ACCOUNT_TOKEN_LENGTH = 3;
/** AD: display names are split on commas, periods, dashes/hyphens, underscores, spaces, # and tabs. */
const DISPLAY_NAME_DELIMITERS = /[,.\-_ #\t]+/u;

/** Length rule, `length` being the code-point count after NFC. */
export function checkLength(length: number, settings: PasswordSettings): RuleViolation[] {
  if (length < settings.minLength) return [{ code: 'too-short', params: { min: settings.minLength, actual: length } }];
  if (length > settings.maxLength) return [{ code: 'too-long', params: { max: settings.maxLength, actual: length } }];
  return [];
}

/**
 * Character classes present: upper-case (incl. title-case) letters, lower-case letters,
 * decimal digits, and "other" (everything else: symbols, spaces, letters without case).
 * AD counts letters without case as a fifth class; we fold it into "other" (one class).
 */
export function countCharacterClasses(password: string): number {
  const patterns = [/\p{Lu}|\p{Lt}/u, /\p{Ll}/u, /\p{Nd}/u, /[^\p{Lu}\p{Lt}\p{Ll}\p{Nd}]/u];
  return patterns.filter((pattern) => pattern.test(password)).length;
}

export const REQUIRED_CHARACTER_CLASSES = 3;

export function checkComplexity(password: string, settings: PasswordSettings): RuleViolation[] {
  if (!settings.requireThreeClasses) return [];
  const classes = countCharacterClasses(password);
  return classes >= REQUIRED_CHARACTER_CLASSES
    ? []
    : [{ code: 'not-complex', params: { classes, required: REQUIRED_CHARACTER_CLASSES } }];
}

/**
 * The account names to look for: the whole user name and, for "DOMAIN\user" or a UPN
 * "user@example.com", the bare user part. Only names of 3+ code points (AD skips shorter ones).
 */
export function accountNameCandidates(username: string): string[] {
  const whole = username.trim();
  const bare = whole.replace(/^.*\\/u, '').replace(/@.*$/u, '');
  return [...new Set([whole, bare])].filter((name) => [...name].length >= MIN_ACCOUNT_TOKEN_LENGTH);
}

/** Normalised and folded form of a context word, as the name checks compare it. */
function contextForm(text: string): string {
  return foldForNameMatch(normalizePassword(text));
}

/**
 * AD rule: the password must not contain the account name. AD compares case-insensitively;
 * we compare normalised and folded forms (normalize.ts), which also catches "jd0e" for "jdoe".
 */
export function checkUsername(normalizedPassword: string, username: string): RuleViolation[] {
  const password = foldForNameMatch(normalizedPassword);
  for (const name of accountNameCandidates(username)) {
    if (password.includes(contextForm(name))) {
      return [{ code: 'contains-username', params: { username: name } }];
    }
  }
  return [];
}

/** AD rule: display-name tokens of 3+ code points, split on , . - _ space # tab. */
export function displayNameTokens(displayName: string): string[] {
  return displayName.split(DISPLAY_NAME_DELIMITERS).filter((token) => [...token].length >= MIN_ACCOUNT_TOKEN_LENGTH);
}

export function checkDisplayName(normalizedPassword: string, displayName: string | undefined): RuleViolation[] {
  if (displayName === undefined) return [];
  const password = foldForNameMatch(normalizedPassword);
  for (const token of displayNameTokens(displayName)) {
    if (password.includes(contextForm(token))) {
      return [{ code: 'contains-display-name', params: { part: token } }];
    }
  }
  return [];
}

/** Entra steps 3 and 4, from an evaluation done by banned-terms.ts. */
export function checkBannedTerms(evaluation: BannedTermEvaluation, required: number): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (evaluation.personalName !== undefined) {
    violations.push({ code: 'contains-personal-name', params: { name: evaluation.personalName } });
  }
  // Without any banned term, a low score only means a short password; too-short says that.
  if (evaluation.points < required && evaluation.termsFound.length > 0) {
    violations.push({
      code: 'banned-term',
      params: { terms: [...new Set(evaluation.termsFound)], points: evaluation.points, required },
    });
  }
  return violations;
}
