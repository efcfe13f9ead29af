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
  l33tMaxSubstitutions: number;
  rankedDictionaries: Record<string, RankedDictionary>;
  rankedDictionariesMaxWordSize: Record<string, number>;
}

interface DefaultMatchInput {
  password: string;
  useLevenshtein?: boolean;
}

/** A dictionary match as zxcvbn's dictionary and reverse matchers make it: these fields, in this order. */
export interface DictionaryMatch {
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

/** zxcvbn's dictionary matcher instance, as its `match` uses it. */
interface MatchDictionary {
  l33t: { match(input: DefaultMatchInput): DictionaryMatch[] };
}

/** The matcher class and options module of zxcvbn-ts 3, as this file uses them. */
export interface ZxcvbnInternals {
  /** @zxcvbn-ts/core's package version. */
  version: string;
  matcher: { prototype: { defaultMatch: DefaultMatch; match: (this: MatchDictionary, input: DefaultMatchInput) => DictionaryMatch[] } };
  options: ZxcvbnOptions;
}

/** Lower-case names that `in` finds on every plain object: zxcvbn matches them in every dictionary wide enough. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype).filter((name) => name === name.toLowerCase()));
const INHERITED_LENGTHS = new Set([...INHERITED].map((name) => name.length));
const inheritedValue = (word: string): number => (({}) as Record<string, number>)[word] ?? 0;

/** The hashes of a dictionary's words, with a 256-bit filter over their low bits that answers most misses. */
interface WordHashes {
  hashes: Set<number>;
  filter: Uint32Array;
}

function wordHashes(words: Iterable<string>, prefixes: boolean): WordHashes {
  const hashes = new Set<number>();
  const filter = new Uint32Array(8);
  const add = (hash: number) => {
    hashes.add(hash);
    filter[(hash & 0xff) >>> 5] = (filter[(hash & 0xff) >>> 5] ?? 0) | (1 << (hash & 31));
  };
  for (const word of words) {
    if (!prefixes) {
      add(hashOf(word));
      continue;
    }
    let hash = HASH_SEED;
    for (let k = 0; k < word.length; k++) add((hash = hashStep(hash, word.charCodeAt(k))));
  }
  return { hashes, filter };
}

/** The hashes of some dictionaries' words, and of every prefix of their words. */
interface OwnHashes {
  words: WordHashes;
  prefixes: WordHashes;
}

const ownHashesOf = (words: readonly string[]): OwnHashes => ({ words: wordHashes(words, false), prefixes: wordHashes(words, true) });

/** Whether some word of `words` may have the hash `hash` (no word has it when this answers false). */
function mayHold(words: WordHashes, hash: number): boolean {
  return ((words.filter[(hash & 0xff) >>> 5] ?? 0) & (1 << (hash & 31))) !== 0 && words.hashes.has(hash);
}

/**
 * The hashes of every word of the given dictionaries. Cached per dictionary object: dictionaries set in zxcvbn's
 * options live across calls, while the user inputs are one object built anew per call (the cache then spares only
 * the same call's reversed pass; they are a few words).
 */
const ownHashCache = new WeakMap<RankedDictionary, OwnHashes>();
function hashesOfWords(dictionaries: readonly RankedDictionary[]): OwnHashes {
  const each = dictionaries.map((dictionary) => {
    let hashes = ownHashCache.get(dictionary);
    if (!hashes) {
      hashes = ownHashesOf(Object.keys(dictionary));
      ownHashCache.set(dictionary, hashes);
    }
    return hashes;
  });
  return each.length === 1 && each[0] !== undefined ? each[0] : ownHashesOf(dictionaries.flatMap((dictionary) => Object.keys(dictionary)));
}

/** A match as zxcvbn's dictionary matcher makes it (fields in its order), over password[i … j]. */
function wordMatch(password: string, i: number, j: number, word: string, rank: number, dictionaryName: string, reversed: boolean): DictionaryMatch {
  return { pattern: 'dictionary', i, j, token: password.slice(i, j + 1), matchedWord: word, rank, dictionaryName, reversed, l33t: false };
}

/** zxcvbn scores this dictionary's words alike whatever their rank (matcher/dictionary/scoring.js). */
const FLAT_RANKED = 'diceware';

/**
 * Whether some substring of `lower` or of its reverse is an inherited name: only then can a match have a rank that
 * is not a number (the same answer for a password and its reverse).
 */
const INHERITED_EITHER_WAY = new RegExp([...INHERITED].flatMap((name) => [name, [...name].reverse().join('')]).join('|'));

/** Where and how the substrings of one walk become matches. */
interface Walk {
  /** The text walked (the password, or the password reversed unit by unit). */
  text: string;
  lower: string;
  /** The password the matches are reported on: the text itself, or the text reversed back. */
  password: string;
  reversed: boolean;
  /** Leave out every match that follows a match over the same span of a lower or equal rank (see below). */
  shorten: boolean;
}

/** Whether zxcvbn's own matcher was replaced (zxcvbn-ts 3.0.x only); idempotent, last dictionaries win. */
export function installCompactDictionaryMatch({ version, matcher, options }: ZxcvbnInternals, compact: CompactDictionaries): boolean {
  if (!version.startsWith('3.0.')) return false;
  const { names, maxWordSize } = compact;
  const flat = names.map((name) => name === FLAT_RANKED);

  /** Appends the walk's matches to `matches`: by start, then end, then dictionary, as zxcvbn's defaultMatch orders them. */
  function walk({ text, lower, password, reversed, shorten }: Walk, matches: DictionaryMatch[]): void {
    if (options.useLevenshteinDistance) throw new Error('the compact dictionary matcher has no Levenshtein variant');
    const own = Object.keys(options.rankedDictionaries);
    const ownDictionaries = own.map((name) => options.rankedDictionaries[name] ?? {});
    const ownSizes = own.map((name) => options.rankedDictionariesMaxWordSize[name] ?? 0);
    const ownWidth = Math.max(0, ...ownSizes);
    const ownHashes = hashesOfWords(ownDictionaries);
    const length = text.length;
    const last = password.length - 1;
    const width = Math.min(Math.max(compact.width, ownWidth), length);
    // zxcvbn slices the lower-cased text at the original's positions; only a lower-casing that changes the
    // length (rare letters such as "İ") makes those differ from a walk over the lower-cased units.
    const sameLength = lower.length === length;
    // Only text holding an inherited name either way round has a substring that is one (and then no shortening).
    const inheritable = INHERITED_EITHER_WAY.test(lower);
    for (let i = 0; i < length; i++) {
      const end = Math.min(i + width, length);
      let hash = HASH_SEED;
      // Whether some word of the compact dictionaries may begin with the substring from i seen so far.
      let compactMay = true;
      for (let j = i; j < end; j++) {
        const span = j - i + 1;
        let id = -1;
        // Whether an own dictionary may hold the substring: not when no own word has its hash, unless it is an
        // inherited name (which `in` finds in every dictionary).
        let ownMay = true;
        if (sameLength) {
          hash = hashStep(hash, lower.charCodeAt(j));
          compactMay &&= compact.mayBeginWith(hash);
          // No word begins with the substring: none is it or any longer one from i.
          if (!compactMay && !inheritable && !mayHold(ownHashes.prefixes, hash)) break;
          if (compactMay && span <= compact.width) id = compact.find(hash, lower, i, j + 1);
          ownMay = mayHold(ownHashes.words, hash) || (inheritable && INHERITED_LENGTHS.has(span));
          if (id === -1 && !ownMay) continue;
        }
        const word = lower.slice(i, j + 1);
        if (!sameLength) id = compact.idOf(word);
        const at = reversed ? last - j : i;
        const to = reversed ? last - i : j;
        // The least rank so far over this span, of the dictionaries whose rank counts.
        let least = Infinity;
        if (inheritable && INHERITED.has(word)) {
          for (let d = 0; d < names.length; d++) {
            if (span > (maxWordSize[d] ?? 0)) continue;
            const rank = word === '__proto__' || id === -1 ? undefined : compact.rankIn(id, d);
            matches.push(wordMatch(password, at, to, word, rank ?? inheritedValue(word), names[d] ?? '', reversed));
          }
        } else if (id !== -1) {
          for (let p = compact.rankFrom(id), stop = compact.rankFrom(id + 1); p < stop; p++) {
            const d = compact.dictionaryAt(p);
            const rank = compact.rankAt(p);
            if (shorten && flat[d] !== true) {
              if (rank >= least) continue;
              least = rank;
            }
            matches.push(wordMatch(password, at, to, word, rank, names[d] ?? '', reversed));
          }
        }
        if (!ownMay) continue;
        for (let d = 0; d < own.length; d++) {
          if (span > (ownSizes[d] ?? 0)) continue;
          const dictionary = ownDictionaries[d] ?? {};
          if (!(word in dictionary)) continue;
          const rank = dictionary[word] as number;
          if (shorten && own[d] !== FLAT_RANKED) {
            if (rank >= least) continue;
            least = rank;
          }
          matches.push(wordMatch(password, at, to, word, rank, own[d] ?? '', reversed));
        }
      }
    }
  }

  function compactDefaultMatch(this: unknown, { password }: DefaultMatchInput): DictionaryMatch[] {
    const matches: DictionaryMatch[] = [];
    walk({ text: password, lower: password.toLowerCase(), password, reversed: false, shorten: false }, matches);
    return matches;
  }

  /**
   * zxcvbn's dictionary `match` (its defaultMatch, its reverse matcher, its l33t matcher), with two differences
   * that leave the search's answer (scoring/index.js) unchanged:
   * - Unsorted: the forward matches, then the reversed ones, then the l33t ones, each by start, end and dictionary.
   *   Matching.match sorts all matchers' matches by start and end, stably, which puts these in the order zxcvbn's
   *   own sort here would: per span, forward before reversed before l33t, each in dictionary order.
   * - Without the forward (or reversed) matches that follow, over the same span, a forward (or reversed) match of
   *   a lower or equal rank: their estimate (rank × the token's upper-case variations, × 2 reversed, at least the
   *   span's minimum) is at least the earlier one's, and the search visits a span's matches in list order and
   *   keeps a try only when no kept sequence with at most as many matches has at most as many guesses, so no try of
   *   them is ever kept (zxcvbn-scoring.ts, shortcut 2). Not when a match can have a rank that is not a number
   *   ("constructor", "__proto__": NaN estimates, which every comparison lets through); not for "diceware",
   *   scored alike at every rank.
   */
  function compactMatch(this: MatchDictionary, { password }: DefaultMatchInput): DictionaryMatch[] {
    const lower = password.toLowerCase();
    const shorten = !INHERITED_EITHER_WAY.test(lower);
    const matches: DictionaryMatch[] = [];
    walk({ text: password, lower, password, reversed: false, shorten }, matches);
    const reversedText = password.split('').reverse().join('');
    walk({ text: reversedText, lower: reversedText.toLowerCase(), password, reversed: true, shorten }, matches);
    if (options.l33tMaxSubstitutions > 0) for (const match of this.l33t.match({ password })) matches.push(match);
    return matches;
  }

  matcher.prototype.defaultMatch = compactDefaultMatch;
  matcher.prototype.match = compactMatch;
  return true;
}
