/**
 * zxcvbn-ts 3's dictionary matcher (@zxcvbn-ts/core/dist/matcher/dictionary/matching.js) over
 * {@link CompactDictionaries}, installed in place of its `defaultMatch` by {@link installCompactDictionaryMatch}.
 *
 * Contract: for every password it returns the matches zxcvbn's own `defaultMatch` returns when zxcvbn's options
 * hold the compact dictionaries' lists followed by its own ranked dictionaries (the per-call `userInputs`) — same
 * fields, and the same order once sorted by position, which is how every caller uses them;
 * test/unit/password-policy/dictionary-match.test.ts compares both on ~1,200 passwords. That includes zxcvbn's
 * `word in dictionary` answering yes for names every object inherits ("constructor", "__proto__"), with the
 * inherited value as rank. zxcvbn's Levenshtein variant is not provided: the estimator keeps it off.
 *
 * Why: zxcvbn looks every substring of the password up in every ranked dictionary (a string and a property lookup
 * per substring and dictionary) and keeps each dictionary as an object of word → rank (tens of MB of heap, seconds
 * to build for ten languages). Here each substring's hash is extended by one code unit per step and looked up once
 * in the compact table; only hits build strings. It is installed only on the zxcvbn-ts release line it was compared
 * with (3.0.x).
 */
import type { CompactDictionaries } from './compact-dictionaries.js';
import { HASH_SEED, hashOf, hashStep } from './compact-dictionaries.js';

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

/** Lower-case names that `in` finds on every plain object: zxcvbn matches them in every dictionary wide enough. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype).filter((name) => name === name.toLowerCase()));
const INHERITED_LENGTHS = new Set([...INHERITED].map((name) => name.length));
const inheritedValue = (word: string): number => (({}) as Record<string, number>)[word] ?? 0;

/**
 * The hashes of every word of the given dictionaries. Cached per dictionary object: dictionaries set in zxcvbn's
 * options live across calls, while the user inputs are one object built anew per call (the cache then spares only
 * the same call's reversed pass; they are a few words).
 */
const ownHashCache = new WeakMap<RankedDictionary, Set<number>>();
function hashesOfWords(dictionaries: readonly RankedDictionary[]): Set<number> {
  const all = new Set<number>();
  for (const dictionary of dictionaries) {
    let hashes = ownHashCache.get(dictionary);
    if (!hashes) {
      hashes = new Set(Object.keys(dictionary).map(hashOf));
      ownHashCache.set(dictionary, hashes);
    }
    for (const hash of hashes) all.add(hash);
  }
  return all;
}

/** Whether zxcvbn's own matcher was replaced (zxcvbn-ts 3.0.x only); idempotent, last dictionaries win. */
export function installCompactDictionaryMatch({ version, matcher, options }: ZxcvbnInternals, compact: CompactDictionaries): boolean {
  if (!version.startsWith('3.0.')) return false;
  const { names, maxWordSize } = compact;

  function compactDefaultMatch(this: unknown, { password }: DefaultMatchInput): DictionaryMatch[] {
    if (options.useLevenshteinDistance) throw new Error('the compact dictionary matcher has no Levenshtein variant');
    const own = Object.keys(options.rankedDictionaries);
    const ownSizes = own.map((name) => options.rankedDictionariesMaxWordSize[name] ?? 0);
    const ownWidth = Math.max(0, ...ownSizes);
    const ownHashes = hashesOfWords(own.map((name) => options.rankedDictionaries[name] ?? {}));
    const length = password.length;
    const lower = password.toLowerCase();
    const width = Math.min(Math.max(compact.width, ownWidth), length);
    const matches: DictionaryMatch[] = [];
    const push = (i: number, j: number, word: string, rank: number, dictionaryName: string) =>
      matches.push({ pattern: 'dictionary', i, j, token: password.slice(i, j + 1), matchedWord: word, rank, dictionaryName, reversed: false, l33t: false });
    // zxcvbn slices the lower-cased password at the original's positions; only a lower-casing that changes the
    // length (rare letters such as "İ") makes those differ from a walk over the lower-cased units.
    const sameLength = lower.length === length;
    for (let i = 0; i < length; i++) {
      const end = Math.min(i + width, length);
      let hash = HASH_SEED;
      for (let j = i; j < end; j++) {
        const span = j - i + 1;
        let word: string | undefined;
        if (sameLength) {
          hash = hashStep(hash, lower.charCodeAt(j));
          const id = span <= compact.width ? compact.find(hash, lower, i, j + 1) : -1;
          if (id !== -1 || INHERITED_LENGTHS.has(span)) {
            word = lower.slice(i, j + 1);
            emitCompact(word, id, i, j, span);
          }
        } else {
          word = lower.slice(i, j + 1);
          emitCompact(word, compact.idOf(word), i, j, span);
        }
        // A substring whose hash no own word has is in no own dictionary (only inherited names answer `in` there
        // too): no string is built or internalised for it.
        if (sameLength && !ownHashes.has(hash) && !INHERITED_LENGTHS.has(span)) continue;
        for (let d = 0; d < own.length; d++) {
          if (span > (ownSizes[d] ?? 0)) continue;
          word ??= lower.slice(i, j + 1);
          const dictionary = options.rankedDictionaries[own[d] ?? ''] ?? {};
          if (word in dictionary) push(i, j, word, dictionary[word] as number, own[d] ?? '');
        }
      }
    }
    return matches;

    function emitCompact(word: string, id: number, i: number, j: number, span: number): void {
      if (INHERITED.has(word)) {
        for (let d = 0; d < names.length; d++) {
          if (span > (maxWordSize[d] ?? 0)) continue;
          const rank = word === '__proto__' || id === -1 ? undefined : compact.rankIn(id, d);
          push(i, j, word, rank ?? inheritedValue(word), names[d] ?? '');
        }
      } else if (id !== -1) {
        compact.ranksOf(id, (d, rank) => push(i, j, word, rank, names[d] ?? ''));
      }
    }
  }

  matcher.prototype.defaultMatch = compactDefaultMatch;
  return true;
}
