/**
 * User-facing explanations for every rejection reason, in every language (messages/<lang>/password-policy.json).
 * Each message says why the password was refused and what to do instead (OWASP: tell the
 * user why). Messages and their parameters never carry the password or any part of it (PublicReasonParams).
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

/**
 * What a reason tells the reader (API answers, pages, error details): the rule's limits and fixed keys only.
 * Never the password, a part of it, or a name or term found in it; the reader knows what they typed.
 */
export interface PublicReasonParams {
  'too-short': { min: number; actual: number };
  'too-long': { max: number; actual: number };
  'not-complex': { classes: number; required: number };
  'contains-username': Record<string, never>;
  'contains-display-name': Record<string, never>;
  'contains-personal-name': Record<string, never>;
  'banned-term': Record<string, never>;
  'common-password': Record<string, never>;
  breached: Record<string, never>;
  'in-history': Record<string, never>;
  /** `warning`: zxcvbn's warning key (a fixed word such as "simpleRepeat"), or null. */
  'too-weak': { warning: string | null };
}

/** A reason as readers get it: code, catalogue key, public params and the text in the reader's language. */
export type PublicReason = {
  [C in ReasonCode]: { code: C; key: `password-policy.${C}`; params: PublicReasonParams[C]; message: string };
}[ReasonCode];

/** The public params of a violation: each code's allow-list, so nothing else can leave the engine. */
function publicParams(violation: RuleViolation): PublicReasonParams[ReasonCode] {
  switch (violation.code) {
    case 'too-short':
      return { min: violation.params.min, actual: violation.params.actual };
    case 'too-long':
      return { max: violation.params.max, actual: violation.params.actual };
    case 'not-complex':
      return { classes: violation.params.classes, required: violation.params.required };
    case 'too-weak':
      return { warning: violation.params.warning };
    default:
      return {};
  }
}

/** The message parameters of a reason: a strength warning becomes text in the reader's language. */
function messageParams(code: ReasonCode, params: PublicReasonParams[ReasonCode], lang: Language): Record<string, string | number> {
  if (code !== 'too-weak') return params as Record<string, number>;
  const { warning } = params as PublicReasonParams['too-weak'];
  return { warning: warning === null ? '' : ` ${translateStrengthWarning(warning, lang)}` };
}

/** The reason as readers get it, in the reader's language (messages/<lang>/password-policy.json). */
export function publicReason(violation: RuleViolation, lang: Language): PublicReason {
  const params = publicParams(violation);
  const message = messages.formatAny(lang, `password-policy.${violation.code}`, messageParams(violation.code, params, lang));
  return { code: violation.code, key: `password-policy.${violation.code}`, params, message } as PublicReason;
}

/** The explanation for one reason, in the user's language (messages/<lang>/password-policy.json). */
export function formatReason<C extends ReasonCode>(code: C, lang: Language, params: ReasonParams[C]): string {
  return formatViolation({ code, params } as RuleViolation, lang);
}

/** The explanation for a rule violation, in the user's language. */
export function formatViolation(violation: RuleViolation, lang: Language): string {
  return publicReason(violation, lang).message;
}
