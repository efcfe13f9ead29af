/**
 * User-facing explanations for every rejection reason, in every language (messages/<lang>/password-policy.json).
 * Each message says why the password was refused and what to do instead (OWASP: tell the
 * user why). Messages never repeat the password itself.
 */

import type { Lang } from '../i18n/lang.js';
import { messages } from '../i18n/messages.js';
import { translateStrengthWarning } from './strength.js';

export type Language = Lang;

/** Parameters each reason code carries; also part of the verdict for re-rendering. */
export interface ReasonParams {
  'too-short': { min: number; actual: number };
  'too-long': { max: number; actual: number };
  'not-complex': { classes: number; required: number };
  'contains-username': { username: string };
  'contains-display-name': { part: string };
  'contains-personal-name': { name: string };
  'banned-term': { terms: string[]; points: number; required: number };
  'common-password': Record<string, never>;
  breached: Record<string, never>;
  'in-history': Record<string, never>;
  /** `warning`: zxcvbn warning key ("simpleRepeat", "sequences", …) or null. */
  'too-weak': { score: number; required: number; warning: string | null };
}

export type ReasonCode = keyof ReasonParams;

/** A reason with its parameters, as rules produce it (a union discriminated by `code`). */
export type RuleViolation = { [C in ReasonCode]: { code: C; params: ReasonParams[C] } }[ReasonCode];

export const REASON_CODES: readonly ReasonCode[] = [
  'too-short',
  'too-long',
  'not-complex',
  'contains-username',
  'contains-display-name',
  'contains-personal-name',
  'banned-term',
  'common-password',
  'breached',
  'in-history',
  'too-weak',
];

function quotedList(terms: readonly string[]): string {
  return [...new Set(terms)].map((term) => `"${term}"`).join(', ');
}

/** The message parameters of a reason: lists and strength warnings become text in the reader's language. */
function messageParams(violation: RuleViolation, lang: Language): Record<string, string | number> {
  switch (violation.code) {
    case 'banned-term':
      return { ...violation.params, terms: quotedList(violation.params.terms) };
    case 'too-weak': {
      const { warning } = violation.params;
      return { ...violation.params, warning: warning === null ? '' : ` ${translateStrengthWarning(warning, lang)}` };
    }
    default:
      return violation.params;
  }
}

/** The explanation for one reason, in the user's language (messages/<lang>/password-policy.json). */
export function formatReason<C extends ReasonCode>(code: C, lang: Language, params: ReasonParams[C]): string {
  return formatViolation({ code, params } as RuleViolation, lang);
}

/** The explanation for a rule violation, in the user's language. */
export function formatViolation(violation: RuleViolation, lang: Language): string {
  return messages.formatAny(lang, `password-policy.${violation.code}`, messageParams(violation, lang));
}
