/**
 * User-facing explanations for every rejection reason, in English and German.
 * Each message says why the password was refused and what to do instead (OWASP: tell the
 * user why). Messages never repeat the password itself.
 */

import { translateStrengthWarning } from './strength.js';

export type Language = 'en' | 'de';

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

type Templates = { [C in ReasonCode]: (params: ReasonParams[C]) => string };

function quotedList(terms: readonly string[]): string {
  return [...new Set(terms)].map((term) => `"${term}"`).join(', ');
}

const english: Templates = {
  'too-short': ({ min, actual }) => `Use at least ${min} characters; this one has ${actual}.`,
  'too-long': ({ max, actual }) => `Use at most ${max} characters; this one has ${actual}.`,
  'not-complex': ({ classes, required }) =>
    `Use at least ${required} of these: upper-case letters, lower-case letters, digits, other characters; ` +
    `this one has ${classes}.`,
  'contains-username': ({ username }) => `Leave out your user name ("${username}"); it is the first thing attackers try.`,
  'contains-display-name': ({ part }) =>
    `Leave out parts of your name as shown in the directory ("${part}"); they are easy to guess.`,
  'contains-personal-name': ({ name }) =>
    `Leave out your own name or your organisation's name ("${name}"); they are easy to guess.`,
  'banned-term': ({ terms, points, required }) =>
    `This is built mostly from commonly used words or patterns (${quotedList(terms)}). ` +
    `Such a word counts as one point and every other character as one; this password scores ${points} ` +
    `of the ${required} needed. Add more characters or words of your own.`,
  'common-password': () => 'This is one of the most commonly used passwords; attackers try it first. Choose another.',
  breached: () =>
    'This password appears in published data breaches, so attackers already have it. Choose another ' +
    '(and change it wherever else you use it).',
  'in-history': () => 'You have used this password before. Choose one you have not used here yet.',
  'too-weak': ({ score, required, warning }) =>
    `This password is too easy to guess (strength ${score} of 4, at least ${required} needed).` +
    (warning === null ? '' : ` ${translateStrengthWarning(warning, 'en')}`) +
    ' Make it longer, for example with several unrelated words.',
};

const german: Templates = {
  'too-short': ({ min, actual }) => `Verwenden Sie mindestens ${min} Zeichen; dieses hat ${actual}.`,
  'too-long': ({ max, actual }) => `Verwenden Sie höchstens ${max} Zeichen; dieses hat ${actual}.`,
  'not-complex': ({ classes, required }) =>
    `Verwenden Sie mindestens ${required} dieser Arten: Großbuchstaben, Kleinbuchstaben, Ziffern, ` +
    `andere Zeichen; dieses enthält ${classes}.`,
  'contains-username': ({ username }) =>
    `Lassen Sie Ihren Benutzernamen („${username}“) weg; ihn probieren Angreifer zuerst.`,
  'contains-display-name': ({ part }) =>
    `Lassen Sie Teile Ihres Namens aus dem Verzeichnis („${part}“) weg; sie sind leicht zu erraten.`,
  'contains-personal-name': ({ name }) =>
    `Lassen Sie Ihren Namen oder den Namen Ihrer Organisation („${name}“) weg; sie sind leicht zu erraten.`,
  'banned-term': ({ terms, points, required }) =>
    `Dieses Kennwort besteht überwiegend aus häufig verwendeten Wörtern oder Mustern (${quotedList(terms)}). ` +
    `Jedes solche Wort zählt einen Punkt, jedes weitere Zeichen ebenfalls einen; dieses Kennwort erreicht ` +
    `${points} von ${required} nötigen Punkten. Ergänzen Sie eigene Zeichen oder Wörter.`,
  'common-password': () =>
    'Dies ist eines der am häufigsten verwendeten Kennwörter; Angreifer probieren es zuerst. Wählen Sie ein anderes.',
  breached: () =>
    'Dieses Kennwort taucht in veröffentlichten Datenlecks auf, Angreifer kennen es also bereits. Wählen Sie ein ' +
    'anderes (und ändern Sie es überall, wo Sie es sonst noch verwenden).',
  'in-history': () =>
    'Dieses Kennwort haben Sie hier bereits verwendet. Wählen Sie eines, das Sie hier noch nicht hatten.',
  'too-weak': ({ score, required, warning }) =>
    `Dieses Kennwort ist zu leicht zu erraten (Stärke ${score} von 4, mindestens ${required} nötig).` +
    (warning === null ? '' : ` ${translateStrengthWarning(warning, 'de')}`) +
    ' Machen Sie es länger, zum Beispiel mit mehreren voneinander unabhängigen Wörtern.',
};

const templates: Record<Language, Templates> = { en: english, de: german };

/** The explanation for one reason, in the user's language. */
export function formatReason<C extends ReasonCode>(code: C, lang: Language, params: ReasonParams[C]): string {
  const template: (params: ReasonParams[C]) => string = templates[lang][code];
  return template(params);
}

/** The explanation for a rule violation, in the user's language. */
export function formatViolation(violation: RuleViolation, lang: Language): string {
  // The union loses the code↔params link TypeScript would need; the mapped type above keeps it.
  const template = templates[lang][violation.code] as (params: RuleViolation['params']) => string;
  return template(violation.params);
}
