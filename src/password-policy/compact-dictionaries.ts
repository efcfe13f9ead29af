/**
 * zxcvbn's ranked dictionaries in one compact structure: every distinct word once, in typed arrays outside the
 * JavaScript heap, found by an open-addressing hash table that a caller probes while it walks a password, without
 * building a string per substring.
 *
 * Contract: for a word w and dictionary d, {@link CompactDictionaries.rankIn} answers what zxcvbn-ts 3's
 * `buildRankedDictionary(list)[w]` answers for d's list when w is one of its own keys (rank = 1 + the position of
 * w's last occurrence), and {@link CompactDictionaries.find} finds exactly the words of every list. ≈ 16.5 MB for
 * the ten lists of the interface languages (0.47 M distinct words, 0.75 M ranks), against ≈ 45 MB of heap
 * for zxcvbn's own objects and a union set, and a fraction of their build time. Words are kept one byte per
 * UTF-16 unit; the few words with a unit above U+00FF (Japanese, some Polish) are kept again in full width.
 */

/** FNV-1a over UTF-16 code units; {@link hashStep} continues it by one unit. */
export const HASH_SEED = 0x811c9dc5;
export function hashStep(hash: number, unit: number): number {
  return Math.imul(hash ^ unit, 0x01000193) >>> 0;
}

function hashOf(word: string): number {
  let hash = HASH_SEED;
  for (let k = 0; k < word.length; k++) hash = hashStep(hash, word.charCodeAt(k));
  return hash;
}

/** A built {@link CompactDictionaries} as plain data: what a worker thread hands over (the arrays transferred). */
export interface CompactDictionaryParts {
  names: string[];
  maxWordSize: number[];
  /** Every word's UTF-16 units, low byte only (exact for words without a unit above U+00FF). */
  units: Uint8Array;
  wordStart: Uint32Array;
  /** Bit per word id: set when the word has a unit above U+00FF, whose full units are in `wideUnits`. */
  wide: Uint8Array;
  /** Ids of the wide words, ascending; the i-th one's units are wideUnits[wideStart[i] … wideStart[i + 1]). */
  wideIds: Uint32Array;
  wideStart: Uint32Array;
  wideUnits: Uint16Array;
  wordHash: Uint32Array;
  table: Uint32Array;
  rankStart: Uint32Array;
  dictionaryOf: Uint8Array;
  rankOf: Uint32Array;
}

/** Open-addressing table (at most half full) of `words` distinct words with the given hashes: slot → word id + 1. */
function tableOf(wordHash: Uint32Array, words: number): Uint32Array {
  let slots = 1024;
  while (slots < words * 2) slots *= 2;
  const table = new Uint32Array(slots);
  const mask = slots - 1;
  for (let id = 0; id < words; id++) {
    let slot = (wordHash[id] ?? 0) & mask;
    while ((table[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
    table[slot] = id + 1;
  }
  return table;
}

export class CompactDictionaries {
  /** Dictionary names, in the order zxcvbn reports their matches. */
  readonly names: readonly string[];
  /** Longest word of each dictionary in UTF-16 code units (zxcvbn's rankedDictionariesMaxWordSize). */
  readonly maxWordSize: readonly number[];
  /** The longest word of all. */
  readonly width: number;
  /** Number of distinct words. */
  readonly size: number;

  private readonly units: Uint8Array;
  /** Word id → start in `units`; entry size is the end. */
  private readonly wordStart: Uint32Array;
  private readonly wide: Uint8Array;
  private readonly wideIds: Uint32Array;
  private readonly wideStart: Uint32Array;
  private readonly wideUnits: Uint16Array;
  /** Word id → its hash, compared before its units. */
  private readonly wordHash: Uint32Array;
  /** Hash slot → word id + 1 (0: empty). */
  private readonly table: Uint32Array;
  private readonly mask: number;
  /** Word id → start in `dictionaryOf`/`rankOf`; entry size is the end. Ranks of one word in dictionary order. */
  private readonly rankStart: Uint32Array;
  private readonly dictionaryOf: Uint8Array;
  private readonly rankOf: Uint32Array;

  /** Builds the structure from rank-ordered word lists, or takes over the parts of one built elsewhere. */
  constructor(source: readonly (readonly [name: string, words: readonly string[]])[] | CompactDictionaryParts) {
    const parts = Array.isArray(source) ? buildParts(source) : (source as CompactDictionaryParts);
    this.names = parts.names;
    this.maxWordSize = parts.maxWordSize;
    this.width = Math.max(0, ...this.maxWordSize);
    this.size = parts.wordHash.length;
    this.table = parts.table;
    this.mask = parts.table.length - 1;
    this.units = parts.units;
    this.wordStart = parts.wordStart;
    this.wide = parts.wide;
    this.wideIds = parts.wideIds;
    this.wideStart = parts.wideStart;
    this.wideUnits = parts.wideUnits;
    this.wordHash = parts.wordHash;
    this.rankStart = parts.rankStart;
    this.dictionaryOf = parts.dictionaryOf;
    this.rankOf = parts.rankOf;
  }

  /** The structure as plain data; `new CompactDictionaries(parts)` answers the same. */
  parts(): CompactDictionaryParts {
    const { units, wordStart, wide, wideIds, wideStart, wideUnits, wordHash, table, rankStart, dictionaryOf, rankOf } = this;
    return { names: [...this.names], maxWordSize: [...this.maxWordSize], units, wordStart, wide, wideIds, wideStart, wideUnits, wordHash, table, rankStart, dictionaryOf, rankOf };
  }

  /** The id of the word `text.slice(start, end)` whose FNV hash is `hash`, or -1. Builds no string. */
  find(hash: number, text: string, start: number, end: number): number {
    const length = end - start;
    for (let slot = hash & this.mask, entry = this.table[slot] ?? 0; entry !== 0; slot = (slot + 1) & this.mask, entry = this.table[slot] ?? 0) {
      const id = entry - 1;
      if (this.wordHash[id] !== hash) continue;
      const from = this.wordStart[id] ?? 0;
      if ((this.wordStart[id + 1] ?? 0) - from !== length) continue;
      if (((this.wide[id >>> 3] ?? 0) & (1 << (id & 7))) !== 0) {
        if (this.sameWide(id, text, start, length)) return id;
        continue;
      }
      // A unit above U+00FF in the text never equals a byte, so a narrow word compares exactly.
      let k = 0;
      while (k < length && this.units[from + k] === text.charCodeAt(start + k)) k++;
      if (k === length) return id;
    }
    return -1;
  }

  /** Whether wide word `id` (of `length` units) is `text.slice(start, start + length)`. */
  private sameWide(id: number, text: string, start: number, length: number): boolean {
    let low = 0;
    let high = this.wideIds.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.wideIds[middle] ?? 0) < id) low = middle + 1;
      else high = middle;
    }
    const from = this.wideStart[low] ?? 0;
    let k = 0;
    while (k < length && this.wideUnits[from + k] === text.charCodeAt(start + k)) k++;
    return k === length;
  }

  /** The id of `word`, or -1. */
  idOf(word: string): number {
    return this.find(hashOf(word), word, 0, word.length);
  }

  /** Calls `each(dictionary index, rank)` for every dictionary holding word `id`, in dictionary order. */
  ranksOf(id: number, each: (dictionary: number, rank: number) => void): void {
    for (let p = this.rankStart[id] ?? 0, end = this.rankStart[id + 1] ?? 0; p < end; p++) each(this.dictionaryOf[p] ?? 0, this.rankOf[p] ?? 0);
  }

  /** The rank of word `id` in dictionary `dictionary`, or undefined. */
  rankIn(id: number, dictionary: number): number | undefined {
    for (let p = this.rankStart[id] ?? 0, end = this.rankStart[id + 1] ?? 0; p < end; p++) if (this.dictionaryOf[p] === dictionary) return this.rankOf[p];
    return undefined;
  }

  /** Bytes held in typed arrays. */
  get bytes(): number {
    return [this.units, this.wordStart, this.wide, this.wideIds, this.wideStart, this.wideUnits, this.wordHash, this.table, this.rankStart, this.dictionaryOf, this.rankOf].reduce((sum, array) => sum + array.byteLength, 0);
  }
}

/** The words' units one byte each, and the full units of the words that need more. */
function narrowed(units: Uint16Array, wordStart: Uint32Array, words: number): Pick<CompactDictionaryParts, 'units' | 'wide' | 'wideIds' | 'wideStart' | 'wideUnits'> {
  const end = wordStart[words] ?? 0;
  const narrow = new Uint8Array(end);
  const wide = new Uint8Array((words + 7) >>> 3);
  const ids: number[] = [];
  const starts: number[] = [0];
  const wideUnits: number[] = [];
  for (let id = 0; id < words; id++) {
    const from = wordStart[id] ?? 0;
    const to = wordStart[id + 1] ?? 0;
    let isWide = false;
    for (let k = from; k < to; k++) {
      const unit = units[k] ?? 0;
      narrow[k] = unit & 0xff;
      if (unit > 0xff) isWide = true;
    }
    if (!isWide) continue;
    wide[id >>> 3] = (wide[id >>> 3] ?? 0) | (1 << (id & 7));
    ids.push(id);
    for (let k = from; k < to; k++) wideUnits.push(units[k] ?? 0);
    starts.push(wideUnits.length);
  }
  return { units: narrow, wide, wideIds: Uint32Array.from(ids), wideStart: Uint32Array.from(starts), wideUnits: Uint16Array.from(wideUnits) };
}

/** Builds the parts: every distinct word once (ids in first-seen order), with its ranks grouped by word. */
function buildParts(lists: readonly (readonly [name: string, words: readonly string[]])[]): CompactDictionaryParts {
  if (lists.length > 255) throw new RangeError('at most 255 dictionaries');
  const names = lists.map(([name]) => name);
  const maxWordSize = lists.map(([, words]) => words.reduce((max, word) => Math.max(max, word.length), 0));
  const occurrences = lists.reduce((sum, [, words]) => sum + words.length, 0);
  const unitBound = lists.reduce((sum, [, words]) => words.reduce((s, word) => s + word.length, sum), 0);
  let slots = 1024;
  while (slots < occurrences * 2) slots *= 2;
  const table = new Uint32Array(slots);
  const mask = slots - 1;
  const units = new Uint16Array(unitBound);
  const wordStart = new Uint32Array(occurrences + 1);
  const wordHash = new Uint32Array(occurrences);
  // Per occurrence (deduplicated within a dictionary): word id, dictionary, rank.
  const pairWord = new Uint32Array(occurrences);
  const pairDictionary = new Uint8Array(occurrences);
  const pairRank = new Uint32Array(occurrences);
  const lastDictionary = new Int16Array(occurrences).fill(-1);
  const lastPair = new Uint32Array(occurrences);
  let words = 0;
  let unitsUsed = 0;
  let pairs = 0;
  for (let dictionary = 0; dictionary < lists.length; dictionary++) {
    const list = lists[dictionary]?.[1] ?? [];
    for (let position = 0; position < list.length; position++) {
      const word = list[position] ?? '';
      const length = word.length;
      const hash = hashOf(word);
      let slot = hash & mask;
      let id = -1;
      for (let entry = table[slot] ?? 0; entry !== 0; slot = (slot + 1) & mask, entry = table[slot] ?? 0) {
        const candidate = entry - 1;
        if (wordHash[candidate] !== hash) continue;
        const start = wordStart[candidate] ?? 0;
        if ((wordStart[candidate + 1] ?? 0) - start !== length) continue;
        let k = 0;
        while (k < length && units[start + k] === word.charCodeAt(k)) k++;
        if (k === length) {
          id = candidate;
          break;
        }
      }
      if (id === -1) {
        id = words++;
        wordHash[id] = hash;
        wordStart[id] = unitsUsed;
        for (let k = 0; k < length; k++) units[unitsUsed++] = word.charCodeAt(k);
        wordStart[id + 1] = unitsUsed;
        table[slot] = id + 1;
      }
      // zxcvbn's ranked dictionary keeps a word's last position in its list.
      if (lastDictionary[id] === dictionary) {
        pairRank[lastPair[id] ?? 0] = position + 1;
        continue;
      }
      lastDictionary[id] = dictionary;
      lastPair[id] = pairs;
      pairWord[pairs] = id;
      pairDictionary[pairs] = dictionary;
      pairRank[pairs] = position + 1;
      pairs++;
    }
  }
  // Group the ranks by word (a stable counting sort keeps each word's dictionaries in order).
  const rankStart = new Uint32Array(words + 1);
  for (let p = 0; p < pairs; p++) {
    const next = (pairWord[p] ?? 0) + 1;
    rankStart[next] = (rankStart[next] ?? 0) + 1;
  }
  for (let w = 0; w < words; w++) rankStart[w + 1] = (rankStart[w + 1] ?? 0) + (rankStart[w] ?? 0);
  const fill = rankStart.slice(0, words);
  const dictionaryOf = new Uint8Array(pairs);
  const rankOf = new Uint32Array(pairs);
  for (let p = 0; p < pairs; p++) {
    const word = pairWord[p] ?? 0;
    const at = fill[word] ?? 0;
    fill[word] = at + 1;
    dictionaryOf[at] = pairDictionary[p] ?? 0;
    rankOf[at] = pairRank[p] ?? 0;
  }
  const finalHash = wordHash.slice(0, words);
  return {
    names,
    maxWordSize,
    // The build table is sized for every occurrence; the kept one for the distinct words only.
    table: tableOf(finalHash, words),
    ...narrowed(units, wordStart, words),
    wordStart: wordStart.slice(0, words + 1),
    wordHash: finalHash,
    rankStart,
    dictionaryOf,
    rankOf,
  };
}
