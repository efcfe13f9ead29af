/**
 * Three shortcuts in zxcvbn-ts 3's search for the most guessable match sequence (@zxcvbn-ts/core/dist/scoring/), each
 * leaving its answer unchanged:
 *
 * 1. The guess estimate of a match (scoring/estimate.js) is computed once per match and password instead of once per
 *    step of the search. The search asks for the same match's estimate once per candidate sequence length, and
 *    builds a fresh bruteforce match object for every span and length. The estimate is a pure function of the
 *    match's fields and the password (zxcvbn's own comment: "a match's guess estimate doesn't change"), and nothing
 *    changes a match or an estimate after it was made, so answering the first estimate again answers what zxcvbn
 *    answers. A match object is known by identity, a bruteforce match (a new object each step) by its span in the
 *    same password; only the current password's estimates are kept (plain maps, emptied when the password changes).
 *    Dictionary and bruteforce matches are estimated by {@link directEstimate}: the same answer, built without
 *    zxcvbn's object spreads.
 * 2. A match that can never enter the search's state is left out before the search: one that follows, in the
 *    search's order, a match over the same span (i, j) with at most as many guesses. The search visits the matches
 *    ending at j by start i, ties in list order, and tries each one after every sequence ending at i − 1; a try is
 *    kept only when no kept sequence over the same prefix with at most as many matches has at most as many guesses,
 *    and kept values only ever fall. The earlier match's tries come first with at most the same guesses for every
 *    sequence length, so every try of the later one is refused. With ten languages' dictionaries a word matches in
 *    many lists with different ranks; most of those matches are such followers.
 * 3. Only inside {@link scoreOnly}: when a lower bound of every sequence's guesses already reaches score 4 (see
 *    {@link guessesFloorLog10}), the search is skipped. The score is then the search's (4), and so is the feedback
 *    (none above score 2); the result's `guesses` is the bound, not the search's figure.
 *
 * Shortcuts 2 and 3 rest on every estimate being a number. A dictionary match whose rank is not one (zxcvbn's
 * `word in dictionary` answering for a name every object inherits, "constructor" or "__proto__", with the inherited
 * value as rank: dictionary-match.ts) is estimated NaN, and the search's comparisons with NaN let a later try replace
 * a kept one; the search then runs over all matches, without either shortcut ({@link isUnranked}).
 *
 * The search itself is zxcvbn's dynamic programme over flat arrays (zxcvbn-search.ts), same steps, same answer.
 *
 * Installed only on the zxcvbn-ts release line it was compared with (3.0.x):
 * test/unit/password-policy/zxcvbn-scoring.test.ts compares guesses and sequences with zxcvbn's own scoring.
 */

import { mostGuessableSequence, type SearchParts } from './zxcvbn-search.js';
import type { DictionaryMatch } from './dictionary-match.js';

interface ScoredMatch {
  pattern: string;
  i: number;
  j: number;
}

export type EstimateGuesses = (match: ScoredMatch, password: string) => unknown;

interface Scoring {
  mostGuessableMatchSequence(this: Scoring, password: string, matches: ScoredMatch[], excludeAdditive?: boolean): unknown;
}

/** What {@link directEstimate} reads of zxcvbn-ts 3's scoring modules. */
export interface EstimateParts {
  /** scoring/estimate.js: the estimate itself, for every match the direct one does not answer. */
  estimate: EstimateGuesses;
  /** matcher/dictionary/scoring.js. */
  dictionary: (match: never) => { baseGuesses: number; uppercaseVariations: number; l33tVariations: number; calculation: number };
  /** matcher/bruteforce/scoring.js. */
  bruteforce: (match: never) => number;
  /** scoring/utils.js's log10. */
  log10: (n: number) => number;
  /** data/const.js. */
  minSingle: number;
  minMulti: number;
}

/** A dictionary match of the plain dictionary matchers (dictionary-match.ts), not of the leetspeak one. */
type PlainDictionaryMatch = DictionaryMatch & { l33t: false };

/** A bruteforce match as the search makes it (scoring/index.js makeBruteforceMatch). */
interface BruteforceMatch {
  pattern: 'bruteforce';
  token: string;
  i: number;
  j: number;
}

/**
 * zxcvbn's `estimateGuesses` (scoring/estimate.js) for a match not yet estimated, answered without its object
 * spreads for the two kinds most estimated: a dictionary match without leetspeak (zxcvbn's nine fields, no
 * Levenshtein ones) and a bruteforce match. The answer has the same fields in the same order and the same values:
 * `{ ...match, ...extraData, guesses, guessesLog10 }`, guesses = max(the pattern's scoring, the minimum for a
 * submatch), with the dictionary scoring's baseGuesses, uppercaseVariations and l33tVariations as extraData.
 * Every other match goes to zxcvbn's own.
 */
export function directEstimate({ estimate, dictionary, bruteforce, log10, minSingle, minMulti }: EstimateParts): EstimateGuesses {
  const minimum = (token: string, password: string) => (token.length < password.length ? (token.length === 1 ? minSingle : minMulti) : 1);
  return function directEstimateGuesses(match: ScoredMatch, password: string) {
    if ('guesses' in match) return estimate(match, password);
    if (match.pattern === 'bruteforce') {
      const { pattern, token, i, j } = match as BruteforceMatch;
      const guesses = Math.max(bruteforce(match as never), minimum(token, password));
      return { pattern, token, i, j, guesses, guessesLog10: log10(guesses) };
    }
    if (match.pattern === 'dictionary' && (match as Partial<PlainDictionaryMatch>).l33t === false && !('levenshteinDistance' in match)) {
      const { pattern, i, j, token, matchedWord, rank, dictionaryName, reversed, l33t } = match as PlainDictionaryMatch;
      const { baseGuesses, uppercaseVariations, l33tVariations, calculation } = dictionary(match as never);
      const guesses = Math.max(calculation, minimum(token, password));
      return { pattern, i, j, token, matchedWord, rank, dictionaryName, reversed, l33t, baseGuesses, uppercaseVariations, l33tVariations, guesses, guessesLog10: log10(guesses) };
    }
    return estimate(match, password);
  };
}

/** Spans fit in a password of at most 65,536 code units (evaluate.ts refuses passwords over 1024 characters). */
const spanKey = (match: ScoredMatch): number => match.i * 65_536 + match.j;

/**
 * The memoizing form of zxcvbn's `estimateGuesses`, for one search at a time: `forget()` drops the password and
 * its matches (pieces of it), so none outlives the search that needed them (no password is kept: strength-memo.ts).
 */
export function memoizedEstimate(estimate: EstimateGuesses): EstimateGuesses & { forget(): void } {
  let current: string | null = null;
  let byMatch = new Map<object, unknown>();
  let bruteforce = new Map<number, unknown>();
  const forget = () => {
    current = null;
    byMatch = new Map();
    bruteforce = new Map();
  };
  return Object.assign(function memoizedEstimateGuesses(match: ScoredMatch, password: string) {
    if (password !== current) {
      forget();
      current = password;
    }
    const byKey = match.pattern === 'bruteforce';
    const known = byKey ? bruteforce.get(spanKey(match)) : byMatch.get(match);
    if (known !== undefined) return known;
    const estimated = estimate(match, password);
    if (byKey) bruteforce.set(spanKey(match), estimated);
    else byMatch.set(match, estimated);
    return estimated;
  }, { forget });
}

interface WordMatch extends ScoredMatch {
  pattern: 'dictionary';
  rank: number;
}

/**
 * A dictionary match read as it is (not reversed, no leetspeak) with a numeric rank: its estimate is
 * max(rank × the token's upper-case variations, the span's minimum), so over one span it grows with the rank
 * (matcher/dictionary/scoring.js; the "diceware" list alone is scored otherwise).
 */
function isPlainWord(match: ScoredMatch): match is WordMatch {
  const word = match as Partial<{ reversed: unknown; l33t: unknown; dictionaryName: unknown; rank: unknown }>;
  return match.pattern === 'dictionary' && word.reversed === false && word.l33t === false && word.dictionaryName !== 'diceware' && typeof word.rank === 'number';
}

/**
 * The matches without those that follow a match over the same span with at most as many guesses (shortcut 2). Plain
 * dictionary matches are compared by rank first, which needs no estimate.
 */
export function withoutDominatedMatches<T extends ScoredMatch>(matches: readonly T[], password: string, estimate: EstimateGuesses): T[] {
  const fewest = new Map<number, number>();
  const lowestRank = new Map<number, number>();
  const kept: T[] = [];
  for (const match of matches) {
    const span = spanKey(match);
    if (isPlainWord(match)) {
      const rank = lowestRank.get(span);
      if (rank !== undefined && rank <= match.rank) continue;
      lowestRank.set(span, match.rank);
    }
    const guesses = (estimate(match, password) as { guesses: number }).guesses;
    const before = fewest.get(span);
    if (before !== undefined && before <= guesses) continue;
    fewest.set(span, before === undefined ? guesses : Math.min(before, guesses));
    kept.push(match);
  }
  return kept;
}

/**
 * A dictionary match without leetspeak, forwards or reversed, with a numeric rank: its estimate is max(rank × the
 * token's upper-case variations × 2 if reversed, the span's minimum) (matcher/dictionary/scoring.js; "diceware" aside).
 */
function isRankedWord(match: ScoredMatch): match is WordMatch & { reversed: boolean } {
  const word = match as Partial<{ reversed: unknown; l33t: unknown; dictionaryName: unknown; rank: unknown }>;
  return match.pattern === 'dictionary' && typeof word.reversed === 'boolean' && word.l33t === false && word.dictionaryName !== 'diceware' && typeof word.rank === 'number';
}

/** log10 of the fewest guesses zxcvbn-ts 3 scores 4 (TimeEstimates.guessesToScore: 1e10 + DELTA 5), with a margin for rounding. */
export const SCORE_4_LOG10 = Math.log10(1e10 + 5) + 1e-6;

/**
 * A lower bound of log10 of the guesses of every match sequence over `password` the search can pick. The search's
 * figure for a sequence of l matches is l! · Π guesses (+ 10⁴^(l−1)), at least the product; the product is the
 * product over the code units of each covering match's guesses^(1/its length). A unit covered by a match of the
 * list takes at least the least such share among the matches over it, and one covered by a bruteforce span at least
 * 10 (bruteforce/scoring.js: 10^length, and 11 for one unit). So the sum over the units of the least share, at most
 * 1, is below log10 of every sequence's guesses. Costs one estimate per match (memoized for the search) and one pass.
 */
export function guessesFloorLog10(password: string, matches: readonly ScoredMatch[], estimate: EstimateGuesses): number {
  const share = new Float64Array(password.length).fill(1);
  // A word read forwards or reversed, without leetspeak, is estimated rank × variations of its token: over one span
  // and direction the lowest rank has the fewest guesses, so only that one is estimated.
  const lowestRank = new Map<number, number>();
  for (const match of matches) {
    if (isRankedWord(match)) {
      const key = spanKey(match) * 2 + (match.reversed ? 1 : 0);
      const rank = lowestRank.get(key);
      if (rank !== undefined && rank <= match.rank) continue;
      lowestRank.set(key, match.rank);
    }
    const perUnit = Math.log10((estimate(match, password) as { guesses: number }).guesses) / (match.j - match.i + 1);
    for (let unit = match.i; unit <= match.j; unit++) if (perUnit < (share[unit] as number)) share[unit] = perUnit;
  }
  let floor = 0;
  for (const unit of share) floor += unit;
  return floor;
}

/** A dictionary match without a numeric rank: its estimate is NaN (see the file comment). */
export function isUnranked(match: ScoredMatch): boolean {
  return match.pattern === 'dictionary' && typeof (match as Partial<WordMatch>).rank !== 'number';
}

let scoringOnly = false;

/**
 * Runs `run` (a zxcvbn call) for its score and feedback only: the search may then answer a password whose guesses
 * are certainly at score 4 without searching (shortcut 3). Synchronous, so no other estimate runs in between.
 */
export function scoreOnly<T>(run: () => T): T {
  scoringOnly = true;
  try {
    return run();
  } finally {
    scoringOnly = false;
  }
}

/** What {@link installScoringShortcuts} reads and writes of Node's module cache. */
export interface ModuleLoader {
  (id: string): unknown;
  resolve(id: string): string;
  cache: Record<string, { exports: unknown } | undefined>;
}

/**
 * Installs the shortcuts: the memoizing estimate in place of zxcvbn-ts's in the module cache (so the scoring module
 * picks it up when it is first loaded), and the search over the matches without the dominated ones. Must run before
 * `@zxcvbn-ts/core` is first required through `load`; answers whether it did (false on another release line, or
 * when the scoring module was already loaded).
 */
export function installScoringShortcuts(load: ModuleLoader): boolean {
  const version = (load('@zxcvbn-ts/core/package.json') as { version: string }).version;
  if (!version.startsWith('3.0.')) return false;
  const scoringPath = load.resolve('@zxcvbn-ts/core/dist/scoring/index.js');
  if (load.cache[scoringPath] !== undefined) return false;
  const estimatePath = load.resolve('@zxcvbn-ts/core/dist/scoring/estimate.js');
  const original = load(estimatePath) as EstimateGuesses;
  const entry = load.cache[estimatePath];
  if (entry === undefined) return false;
  const constants = load('@zxcvbn-ts/core/dist/data/const.js') as { MIN_SUBMATCH_GUESSES_SINGLE_CHAR: number; MIN_SUBMATCH_GUESSES_MULTI_CHAR: number; MIN_GUESSES_BEFORE_GROWING_SEQUENCE: number };
  const utils = load('@zxcvbn-ts/core/dist/scoring/utils.js') as { log10: EstimateParts['log10']; factorial: SearchParts['factorial'] };
  const direct = directEstimate({
    estimate: original,
    dictionary: load('@zxcvbn-ts/core/dist/matcher/dictionary/scoring.js') as EstimateParts['dictionary'],
    bruteforce: load('@zxcvbn-ts/core/dist/matcher/bruteforce/scoring.js') as EstimateParts['bruteforce'],
    log10: utils.log10,
    minSingle: constants.MIN_SUBMATCH_GUESSES_SINGLE_CHAR,
    minMulti: constants.MIN_SUBMATCH_GUESSES_MULTI_CHAR,
  });
  const estimate = memoizedEstimate(direct);
  const searchParts: SearchParts = { estimate, estimateSpan: direct, log10: utils.log10, factorial: utils.factorial, minGuessesBeforeGrowing: constants.MIN_GUESSES_BEFORE_GROWING_SEQUENCE };
  entry.exports = estimate;
  const scoring = load(scoringPath) as Scoring;
  const search = scoring.mostGuessableMatchSequence;
  scoring.mostGuessableMatchSequence = function mostGuessableOfUndominated(password, matches, excludeAdditive) {
    try {
      if (matches.some(isUnranked)) return search.call(this, password, matches, excludeAdditive);
      if (scoringOnly) {
        const floor = guessesFloorLog10(password, matches, estimate);
        if (floor >= SCORE_4_LOG10) {
          const guesses = 10 ** floor;
          return { password, guesses, guessesLog10: floor, sequence: [{ pattern: 'bruteforce', token: password, i: 0, j: password.length - 1, guesses, guessesLog10: floor }] };
        }
      }
      return mostGuessableSequence(password, withoutDominatedMatches(matches, password, estimate), excludeAdditive === true, searchParts);
    } finally {
      estimate.forget();
    }
  };
  return true;
}
