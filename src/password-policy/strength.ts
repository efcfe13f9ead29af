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
 *   normalize.ts undone (case kept), taking the lower score.
 * That is at most two zxcvbn runs on at most STRENGTH_WINDOW code points per password.
 *
 * zxcvbn's dictionary matcher is replaced by an equivalent over one compact structure of all static
 * dictionaries (compact-dictionaries.ts, dictionary-match.ts), so zxcvbn itself ranks only each call's user
 * inputs; its search for the most guessable match sequence takes two shortcuts with the same answer
 * (zxcvbn-scoring.ts).
 *
 * The dictionaries (common, and one package per interface language that has one: dictionaryPackages) are read
 * once, on first use, synchronously, via require — so the sync evaluation core can use them without an async
 * start-up step — copied into the compact structure, and the packages' modules released. Call
 * {@link preloadStrengthEstimator} at start-up to pay that cost (≈ 0.5 s of CPU) early.
 *
 * zxcvbn-ts 3 keeps its options in a process-wide singleton; we leave its translations at
 * the built-in default (the translation *keys*) and translate the keys through the message
 * catalogue, so one process answers in every language.
 */
import { createRequire } from 'node:module';
import { languages, type Lang } from '../i18n/lang.js';
import { messages } from '../i18n/messages.js';
import type { Language } from './messages.js';
import { hasSubstitutionNextToLetter, undoSubstitutions } from './normalize.js';
import { StrengthMemo, type RawStrength } from './strength-memo.js';
import { strengthWindow } from './strength-window.js';
import { CompactDictionaries } from './compact-dictionaries.js';
import { installCompactDictionaryMatch, type ZxcvbnInternals } from './dictionary-match.js';
import { installScoringShortcuts } from './zxcvbn-scoring.js';

type ZxcvbnCore = typeof import('@zxcvbn-ts/core');
type CommonPackage = typeof import('@zxcvbn-ts/language-common');
/** What this module reads of a zxcvbn-ts 3 language package; packages name their name lists differently. */
interface LanguagePackage {
  dictionary: Record<string, string[]>;
}

/**
 * The zxcvbn-ts language package with the words of each interface language, or null where none exists
 * (Swedish: no package for zxcvbn-ts 3). A Record over Lang, so a language added to the list must be named here.
 */
const dictionaryPackages: Record<Lang, string | null> = {
  en: '@zxcvbn-ts/language-en',
  de: '@zxcvbn-ts/language-de',
  fr: '@zxcvbn-ts/language-fr',
  es: '@zxcvbn-ts/language-es-es',
  it: '@zxcvbn-ts/language-it',
  nl: '@zxcvbn-ts/language-nl-be',
  pl: '@zxcvbn-ts/language-pl',
  'pt-BR': '@zxcvbn-ts/language-pt-br',
  sv: null,
  ja: '@zxcvbn-ts/language-ja',
};

const dictionaryNames = ['commonWords', 'firstnames', 'lastnames', 'wikipedia'] as const;
type DictionaryName = (typeof dictionaryNames)[number];

/** A package's lists by zxcvbn's dictionary names: first and last names gathered from however the package splits them. */
function listsOf(pkg: LanguagePackage): Record<DictionaryName, string[][]> {
  const named = (pattern: RegExp) => Object.entries(pkg.dictionary).filter(([name]) => pattern.test(name)).map(([, words]) => words);
  return { commonWords: named(/^commonWords$/), firstnames: named(/firstnames$/i), lastnames: named(/lastnames$/i), wikipedia: named(/^wikipedia$/) };
}

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

/** Interleaves rank-ordered word lists, so no list's words rank behind another's. */
function interleave(lists: readonly (readonly string[])[]): string[] {
  const merged: string[] = [];
  const length = Math.max(0, ...lists.map((list) => list.length));
  for (let i = 0; i < length; i++) {
    for (const list of lists) {
      const word = list[i];
      if (word !== undefined) merged.push(word);
    }
  }
  return merged;
}

/**
 * The static dictionaries in zxcvbn's order: the common package's, then English and German sharing one ranking
 * (their words interleaved: the golden verdicts were reviewed against it), then every further language under
 * `<name>-<lang>` with its own ranks, so adding a language does not push another language's common words down the
 * ranking. zxcvbn's feedback still recognises `wikipedia-*` and `*firstnames-*`; only a further language's last
 * names lose the "names are easy to guess" warning.
 */
export function strengthDictionaryLists(require: NodeRequire = createRequire(import.meta.url)): [name: string, words: string[]][] {
  const common = require('@zxcvbn-ts/language-common') as CommonPackage;
  const lists = (lang: Lang) => {
    const name = dictionaryPackages[lang];
    return name === null ? null : listsOf(require(name) as LanguagePackage);
  };
  const [en, de] = [lists('en'), lists('de')];
  const pair = (name: DictionaryName) => interleave([...(en?.[name] ?? []), ...(de?.[name] ?? [])]);
  const further = languages.filter((lang) => lang !== 'en' && lang !== 'de').flatMap((lang) => {
    const own = lists(lang);
    return own === null ? [] : dictionaryNames.map((name): [string, string[]] => [`${name}-${lang}`, interleave(own[name])]);
  });
  return [...Object.entries(common.dictionary), ...dictionaryNames.map((name): [string, string[]] => [name, pair(name)]), ...further];
}

/** Every module file of the zxcvbn-ts language packages that this process has loaded. */
function languageModules(require: NodeRequire): string[] {
  return Object.keys(require.cache).filter((file) => /[\\/]@zxcvbn-ts[\\/]language-/.test(file));
}

function loadEstimator(): Estimator {
  const require = createRequire(import.meta.url);
  installScoringShortcuts(require);
  const core = require('@zxcvbn-ts/core') as ZxcvbnCore;
  const loadedBefore = new Set(languageModules(require));
  const common = require('@zxcvbn-ts/language-common') as CommonPackage;
  const lists = strengthDictionaryLists(require);
  const compact = new CompactDictionaries(lists);
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
    graphs: common.adjacencyGraphs,
    // With the compact matcher installed zxcvbn ranks no word lists itself (only each call's user inputs).
    dictionary: installed ? {} : Object.fromEntries(lists),
  });
  // The packages' word arrays are copied into the compact structure: let them be collected.
  if (installed) for (const file of languageModules(require)) if (!loadedBefore.has(file)) delete require.cache[file];
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
  const literal = core.zxcvbn(window, inputs);
  const leet = hasSubstitutionNextToLetter(window) ? (strengthRuns.count++, core.zxcvbn(undoSubstitutions(window), inputs)) : literal;
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
