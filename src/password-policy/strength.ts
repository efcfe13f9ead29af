/**
 * Strength estimate with zxcvbn-ts (score 0–4) and its suggestions in the reader's language
 * (messages/<lang>/strength.json, keyed by zxcvbn's translation keys).
 *
 * Bounded work (no request may hold the event loop for more than ~20 ms): zxcvbn's matching
 * is super-linear in the length of its input and in the number of leetspeak readings it tries,
 * so the estimate here
 * - scores only the password's strengthWindow (strength-window.ts): repetitions counted once,
 *   then at most STRENGTH_WINDOW code points. The score is a lower bound of the whole password's,
 *   so padding a weak password (repeating it, appending filler) cannot make it look strong;
 * - lets zxcvbn try no leetspeak readings itself and instead, when a substituted character
 *   stands next to a letter, scores one more reading, the window with the substitutions of
 *   normalize.ts undone (case kept), taking the lower score (not when the first is already 0).
 * That is at most two zxcvbn runs on at most STRENGTH_WINDOW code points per password.
 *
 * zxcvbn's dictionary matcher is replaced by an equivalent over one compact structure of all static
 * dictionaries (compact-dictionaries.ts, dictionary-match.ts), so zxcvbn itself ranks only each call's user
 * inputs; its search for the most guessable match sequence takes shortcuts with the same answer and runs over flat
 * arrays (zxcvbn-scoring.ts, zxcvbn-search.ts). test/unit/password-policy/strength-equivalence.test.ts compares
 * the whole path with unmodified zxcvbn-ts.
 *
 * The dictionaries (common, and one package per interface language that has one: strength-dictionaries.ts) are
 * built once, on first use, synchronously, in a short-lived worker thread whose heap goes when it exits; this
 * thread keeps only the compact structure. Call {@link preloadStrengthEstimator} at start-up to pay that cost
 * (≈ 0.5 s of CPU, off this thread's heap) early.
 *
 * zxcvbn-ts 3 keeps its options in a process-wide singleton; we leave its translations at
 * the built-in default (the translation *keys*) and translate the keys through the message
 * catalogue, so one process answers in every language.
 */
import { createRequire } from 'node:module';
import { messages } from '../i18n/messages.js';
import type { Language } from './messages.js';
import { hasSubstitutionNextToLetter, undoSubstitutions } from './normalize.js';
import { StrengthMemo, type RawStrength } from './strength-memo.js';
import { strengthWindow } from './strength-window.js';
import { loadStrengthDictionaries, strengthDictionaryLists } from './strength-dictionaries.js';
import { installCompactDictionaryMatch, type ZxcvbnInternals } from './dictionary-match.js';
import { installScoringShortcuts, scoreOnly } from './zxcvbn-scoring.js';

type ZxcvbnCore = typeof import('@zxcvbn-ts/core');

export interface StrengthEstimate {
  /** zxcvbn score: 0 too guessable … 4 very unguessable. */
  score: number;
  /** zxcvbn's suggestions, translated. */
  suggestions: string[];
  /** zxcvbn's warning as a translation key (e.g. "simpleRepeat"), or null; see translateStrengthWarning. */
  warning: string | null;
}

interface Estimator {
  core: ZxcvbnCore;
}

let estimator: Estimator | undefined;

export { strengthDictionaryLists };

function loadEstimator(): Estimator {
  const require = createRequire(import.meta.url);
  installScoringShortcuts(require);
  const core = require('@zxcvbn-ts/core') as ZxcvbnCore;
  const { compact, graphs } = loadStrengthDictionaries();
  const installed = installCompactDictionaryMatch({
    version: (require('@zxcvbn-ts/core/package.json') as { version: string }).version,
    matcher: require('@zxcvbn-ts/core/dist/matcher/dictionary/matching.js') as ZxcvbnInternals['matcher'],
    options: (require('@zxcvbn-ts/core/dist/Options.js') as { zxcvbnOptions: ZxcvbnInternals['options'] }).zxcvbnOptions,
  }, compact);
  core.zxcvbnOptions.setOptions({
    // zxcvbn-ts tries every combination of up to l33tMaxSubstitutions leetspeak readings and
    // compares the resulting matches pairwise (tens of ms for digit-rich input); the one
    // de-leeted reading in estimateStrength replaces them.
    l33tMaxSubstitutions: 0,
    graphs,
    // With the compact matcher installed zxcvbn ranks no word lists itself (only each call's user inputs); on
    // another zxcvbn-ts release line it ranks the lists itself, in this thread.
    dictionary: installed ? {} : Object.fromEntries(strengthDictionaryLists()),
  });
  return { core };
}

/** Loads and ranks the zxcvbn dictionaries now instead of on the first estimate. */
export function preloadStrengthEstimator(): void {
  estimator ??= loadEstimator();
}

function translateSuggestion(key: string, lang: Language): string {
  return messages.formatAny(lang, `strength.suggestion.${key}`) || key;
}

/** zxcvbn's warning for a key such as "simpleRepeat", in the given language. */
export function translateStrengthWarning(key: string, lang: Language): string {
  return messages.formatAny(lang, `strength.warning.${key}`) || key;
}

const memo = new StrengthMemo();

/** Counts zxcvbn runs, for tests of how often a password is estimated. */
export const strengthRuns = { count: 0 };

function scoreWindow(window: string, inputs: string[]): RawStrength {
  estimator ??= loadEstimator();
  const { core } = estimator;
  strengthRuns.count++;
  const literal = scoreOnly(() => core.zxcvbn(window, inputs));
  // The leetspeak reading counts only when it scores lower: never below a literal score of 0.
  const leet = literal.score > 0 && hasSubstitutionNextToLetter(window) ? (strengthRuns.count++, scoreOnly(() => core.zxcvbn(undoSubstitutions(window), inputs))) : literal;
  const result = leet.score < literal.score ? leet : literal;
  return { score: result.score, suggestionKeys: result.feedback.suggestions, warning: result.feedback.warning === '' ? null : result.feedback.warning };
}

export interface EstimateOptions {
  /**
   * Keep the estimate for the same window and user inputs (strength-memo.ts), so the submit after a live check
   * does not estimate again. Only for a named user's inputs (see StrengthMemo).
   */
  remember?: boolean;
}

/**
 * Scores a password: the lower of zxcvbn's scores for its strengthWindow and for that window
 * with the leetspeak of normalize.ts undone (when it may be leetspeak). `userInputs` (user name, names, organisation) are
 * treated as a dictionary, so passwords built from them score low.
 */
export function estimateStrength(password: string, userInputs: readonly string[], lang: Language, options: EstimateOptions = {}): StrengthEstimate {
  const inputs = [...userInputs];
  const window = strengthWindow(password);
  const result = options.remember === true ? memo.get(window, inputs, () => scoreWindow(window, inputs)) : scoreWindow(window, inputs);
  return {
    score: result.score,
    suggestions: result.suggestionKeys.map((key) => translateSuggestion(key, lang)),
    warning: result.warning,
  };
}
