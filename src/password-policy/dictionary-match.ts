/**
 * A faster dictionary matcher for zxcvbn-ts 3 (@zxcvbn-ts/core/dist/matcher/dictionary/matching.js), installed in
 * place of its `defaultMatch` by {@link installFastDictionaryMatch}.
 *
 * Contract: for every password it returns the same matches as zxcvbn's own `defaultMatch` (same fields, and the
 * same order once sorted by position, which is how every caller uses them; test/unit/password-policy/
 * dictionary-match.test.ts compares both on thousands of passwords). Only the Levenshtein variant, which this
 * service leaves off, is delegated to the original.
 *
 * Why: zxcvbn looks every substring of the password up in every ranked dictionary (≈ 7 × 300 property lookups
 * for 24 code points, plus two allocations each), about half of an estimate. Here each substring is looked up
 * once in the union of the static dictionaries' words (built once, ≈ 5 MB of heap), and only the rare hits are
 * looked up per dictionary. The user-input dictionary, rebuilt by zxcvbn on every call, is looked up directly.
 * It is installed only on the zxcvbn-ts release line it was compared with (3.0.x); any other keeps zxcvbn's own.
 */

type RankedDictionary = Record<string, number>;

interface ZxcvbnOptions {
  useLevenshteinDistance: boolean;
  rankedDictionaries: Record<string, RankedDictionary>;
  rankedDictionariesMaxWordSize: Record<string, number>;
}

interface DefaultMatchInput {
  password: string;
  useLevenshtein?: boolean;
}

interface DictionaryMatch {
  pattern: 'dictionary';
  i: number;
  j: number;
  token: string;
  matchedWord: string;
  rank: number;
  dictionaryName: string;
  reversed: boolean;
  l33t: boolean;
}

type DefaultMatch = (this: unknown, input: DefaultMatchInput) => DictionaryMatch[];

/** The matcher class and options module of zxcvbn-ts 3, as this file uses them. */
export interface ZxcvbnInternals {
  /** @zxcvbn-ts/core's package version. */
  version: string;
  matcher: { prototype: { defaultMatch: DefaultMatch } };
  options: ZxcvbnOptions;
}

/** zxcvbn keeps the user inputs in a dictionary of this name and rebuilds it on every call. */
const USER_INPUTS = 'userInputs';

/**
 * The union of the static dictionaries' words, plus the names `in` finds on every plain object ("constructor",
 * "__proto__"), so a lookup here is never negative where zxcvbn's `word in dictionary` is positive.
 */
class KnownWords {
  private words = new Set<string>();
  private builtFrom: RankedDictionary[] = [];

  of(ranked: Record<string, RankedDictionary>, names: readonly string[]): Set<string> {
    const dictionaries = names.filter((name) => name !== USER_INPUTS).map((name) => ranked[name] ?? {});
    const same = dictionaries.length === this.builtFrom.length && dictionaries.every((dictionary, k) => dictionary === this.builtFrom[k]);
    if (same) return this.words;
    this.words = new Set(Object.getOwnPropertyNames(Object.prototype));
    for (const dictionary of dictionaries) for (const word of Object.keys(dictionary)) this.words.add(word);
    this.builtFrom = dictionaries;
    return this.words;
  }
}

/** Replaces zxcvbn's `defaultMatch` with the equivalent above (zxcvbn-ts 3.0.x only); idempotent. */
export function installFastDictionaryMatch({ version, matcher, options }: ZxcvbnInternals): void {
  const original = matcher.prototype.defaultMatch;
  if (!version.startsWith('3.0.') || original.name === fastDefaultMatch.name) return;
  const known = new KnownWords();

  function fastDefaultMatch(this: unknown, { password, useLevenshtein = true }: DefaultMatchInput): DictionaryMatch[] {
    if (options.useLevenshteinDistance && useLevenshtein) return original.call(this, { password, useLevenshtein });
    const ranked = options.rankedDictionaries;
    const sizes = options.rankedDictionariesMaxWordSize;
    const names = Object.keys(ranked);
    const words = known.of(ranked, names);
    const userInputs = ranked[USER_INPUTS];
    const length = password.length;
    const lower = password.toLowerCase();
    let width = 0;
    for (const name of names) width = Math.max(width, Math.min(sizes[name] ?? 0, length));
    const matches: DictionaryMatch[] = [];
    for (let i = 0; i < length; i++) {
      const end = Math.min(i + width, length);
      for (let j = i; j < end; j++) {
        const word = lower.slice(i, j + 1);
        if (!words.has(word) && !(userInputs !== undefined && word in userInputs)) continue;
        for (const name of names) {
          const dictionary = ranked[name];
          if (dictionary === undefined || j - i >= (sizes[name] ?? 0) || !(word in dictionary)) continue;
          const rank = dictionary[word] ?? 0;
          matches.push({ pattern: 'dictionary', i, j, token: password.slice(i, j + 1), matchedWord: word, rank, dictionaryName: name, reversed: false, l33t: false });
        }
      }
    }
    return matches;
  }

  matcher.prototype.defaultMatch = fastDefaultMatch;
}
