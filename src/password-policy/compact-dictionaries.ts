/**
 * zxcvbn's ranked dictionaries in one compact structure: every distinct word once, in typed arrays outside the
 * JavaScript heap, found by an open-addressing hash table that a caller probes while it walks a password, without
 * building a string per substring.
 *
 * Contract: for a word w and dictionary d, {@link CompactDictionaries.rankIn} answers what zxcvbn-ts 3's
 * `buildRankedDictionary(list)[w]` answers for d's list when w is one of its own keys (rank = 1 + the position of
 * w's last occurrence), {@link CompactDictionaries.find} finds exactly the words of every list, and
 * {@link CompactDictionaries.mayBeginWith} answers false only for text no word begins with. ≈ 13 MB (and 2 MB of
 * prefix filter, built at load, not stored) for the ten lists of the interface languages (0.47 M distinct words, 0.73 M ranks), against ≈ 45 MB of heap
 * for zxcvbn's own objects and a union set, and a fraction of their build time. Words are kept one byte per
 * UTF-16 unit; the few words with a unit above U+00FF (Japanese, some Polish) are kept again in full width. A
 * table slot holds a word's id and, in the bits the id leaves free, low bits of its hash: a probe compares units
 * only when those agree, with no array of hashes kept.
 */

/** FNV-1a over UTF-16 code units; {@link hashStep} continues it by one unit. */
export const HASH_SEED = 0x811c9dc5;
export function hashStep(hash: number, unit: number): number {
  return Math.imul(hash ^ unit, 0x01000193) >>> 0;
}

/** The hash {@link hashStep} builds over a word's code units, from {@link HASH_SEED}. */
export function hashOf(word: string): number {
  let hash = HASH_SEED;
  for (let k = 0; k < word.length; k++) hash = hashStep(hash, word.charCodeAt(k));
  return hash;
}

/** Bits of the prefix filter (2^24 bits, 2 MB: a few per cent of false "may" answers for the service's lists,
 * ≈ 20 ms to build for them). */
const PREFIX_FILTER_BITS = 24;

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
  /** Open-addressing table, see {@link tableOf}. */
  table: Uint32Array;
  rankStart: Uint32Array;
  /** Rank × 256 + dictionary index, a word's entries in dictionary order. */
  ranks: Uint32Array;
}

/** Bits a word id + 1 takes in a table entry (1 … words); the bits above it hold the hash's low bits. */
function idBitsFor(words: number): number {
  return 32 - Math.clz32(words);
}

/** The slot where the probe for `hash` starts: its high bits scaled to the table (any table size, no modulo). */
function homeSlot(hash: number, slots: number): number {
  return Math.floor((hash * slots) / 4294967296);
}

/**
 * Open-addressing table of `words` distinct words with the given hashes, filled to at most 5/8 (linear probing
 * stays near two probes a miss): slot → (hash << idBits | word id + 1), 0 for an empty slot.
 */
function tableOf(wordHash: Uint32Array, words: number): Uint32Array {
  const slots = Math.max(1024, Math.ceil((words * 8) / 5));
  const idBits = idBitsFor(words);
  const table = new Uint32Array(slots);
  for (let id = 0; id < words; id++) {
    const hash = wordHash[id] ?? 0;
    let slot = homeSlot(hash, slots);
    while ((table[slot] ?? 0) !== 0) slot = slot + 1 === slots ? 0 : slot + 1;
    table[slot] = ((idBits >= 32 ? 0 : hash << idBits) | (id + 1)) >>> 0;
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
  /** Slot → hash bits and word id + 1 (0: empty). */
  private readonly table: Uint32Array;
  private readonly idBits: number;
  /** The largest id + 1 an entry can hold: an entry XOR a probe's hash bits above it means other hash bits. */
  private readonly idMask: number;
  /** Word id → start in `ranks`; entry size is the end. */
  private readonly rankStart: Uint32Array;
  private readonly ranks: Uint32Array;
  /** Bit per prefix hash, see {@link mayBeginWith}. */
  private readonly prefixBits: Uint32Array;

  /** Builds the structure from rank-ordered word lists, or takes over the parts of one built elsewhere. */
  constructor(source: readonly (readonly [name: string, words: readonly string[]])[] | CompactDictionaryParts) {
    const parts = Array.isArray(source) ? buildParts(source) : (source as CompactDictionaryParts);
    this.names = parts.names;
    this.maxWordSize = parts.maxWordSize;
    this.width = Math.max(0, ...this.maxWordSize);
    this.size = parts.wordStart.length - 1;
    this.table = parts.table;
    this.idBits = idBitsFor(this.size);
    this.idMask = this.idBits >= 32 ? 0xffffffff : 2 ** this.idBits - 1;
    this.units = parts.units;
    this.wordStart = parts.wordStart;
    this.wide = parts.wide;
    this.wideIds = parts.wideIds;
    this.wideStart = parts.wideStart;
    this.wideUnits = parts.wideUnits;
    this.rankStart = parts.rankStart;
    this.ranks = parts.ranks;
    this.prefixBits = this.buildPrefixBits();
  }

  /** The structure as plain data; `new CompactDictionaries(parts)` answers the same. */
  parts(): CompactDictionaryParts {
    const { units, wordStart, wide, wideIds, wideStart, wideUnits, table, rankStart, ranks } = this;
    return { names: [...this.names], maxWordSize: [...this.maxWordSize], units, wordStart, wide, wideIds, wideStart, wideUnits, table, rankStart, ranks };
  }

  /** The id of the word `text.slice(start, end)` whose FNV hash is `hash`, or -1. Builds no string. */
  find(hash: number, text: string, start: number, end: number): number {
    const length = end - start;
    const slots = this.table.length;
    const tag = this.idBits >= 32 ? 0 : hash << this.idBits;
    for (let slot = homeSlot(hash, slots), entry = this.table[slot] ?? 0; entry !== 0; slot = slot + 1 === slots ? 0 : slot + 1, entry = this.table[slot] ?? 0) {
      if (((entry ^ tag) >>> 0) > this.idMask) continue;
      const id = (entry & this.idMask) - 1;
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

  /**
   * False when no word begins with the units whose FNV hash is `hash` (then no longer text starting the same way
   * is a word either); true when some word may. A filter of one bit per prefix hash, built with the structure.
   */
  mayBeginWith(hash: number): boolean {
    const bits = this.prefixBits;
    const bit = hash >>> (32 - PREFIX_FILTER_BITS);
    return ((bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
  }

  /** The bit of every prefix of every word (its full units for a wide word). */
  private buildPrefixBits(): Uint32Array {
    const bits = new Uint32Array(2 ** (PREFIX_FILTER_BITS - 5));
    const mark = (hash: number) => {
      const bit = hash >>> (32 - PREFIX_FILTER_BITS);
      bits[bit >>> 5] = (bits[bit >>> 5] ?? 0) | (1 << (bit & 31));
    };
    let wideAt = 0;
    for (let id = 0; id < this.size; id++) {
      let hash = HASH_SEED;
      if (((this.wide[id >>> 3] ?? 0) & (1 << (id & 7))) !== 0) {
        for (let k = this.wideStart[wideAt] ?? 0, end = this.wideStart[wideAt + 1] ?? 0; k < end; k++) mark((hash = hashStep(hash, this.wideUnits[k] ?? 0)));
        wideAt++;
      } else {
        for (let k = this.wordStart[id] ?? 0, end = this.wordStart[id + 1] ?? 0; k < end; k++) mark((hash = hashStep(hash, this.units[k] ?? 0)));
      }
    }
    return bits;
  }

  /** The id of `word`, or -1. */
  idOf(word: string): number {
    return this.find(hashOf(word), word, 0, word.length);
  }

  /** Calls `each(dictionary index, rank)` for every dictionary holding word `id`, in dictionary order. */
  ranksOf(id: number, each: (dictionary: number, rank: number) => void): void {
    for (let p = this.rankStart[id] ?? 0, end = this.rankStart[id + 1] ?? 0; p < end; p++) {
      const entry = this.ranks[p] ?? 0;
      each(entry & 0xff, entry >>> 8);
    }
  }

  /** Where word `id`'s entries start; word `id + 1`'s start is where they end (see {@link dictionaryAt}). */
  rankFrom(id: number): number {
    return this.rankStart[id] ?? 0;
  }

  /** The dictionary index of rank entry `p`. */
  dictionaryAt(p: number): number {
    return (this.ranks[p] ?? 0) & 0xff;
  }

  /** The rank of rank entry `p`. */
  rankAt(p: number): number {
    return (this.ranks[p] ?? 0) >>> 8;
  }

  /** The rank of word `id` in dictionary `dictionary`, or undefined. */
  rankIn(id: number, dictionary: number): number | undefined {
    for (let p = this.rankStart[id] ?? 0, end = this.rankStart[id + 1] ?? 0; p < end; p++) {
      const entry = this.ranks[p] ?? 0;
      if ((entry & 0xff) === dictionary) return entry >>> 8;
    }
    return undefined;
  }

  /** Bytes held in typed arrays. */
  get bytes(): number {
    return [this.units, this.wordStart, this.wide, this.wideIds, this.wideStart, this.wideUnits, this.table, this.rankStart, this.ranks, this.prefixBits].reduce((sum, array) => sum + array.byteLength, 0);
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
  if (lists.length > 256) throw new RangeError('at most 256 dictionaries');
  if (lists.some(([, words]) => words.length >= 2 ** 24)) throw new RangeError('at most 2^24 - 1 words a dictionary');
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
  const ranks = new Uint32Array(pairs);
  for (let p = 0; p < pairs; p++) {
    const word = pairWord[p] ?? 0;
    const at = fill[word] ?? 0;
    fill[word] = at + 1;
    ranks[at] = (pairRank[p] ?? 0) * 256 + (pairDictionary[p] ?? 0);
  }
  const finalHash = wordHash.slice(0, words);
  return {
    names,
    maxWordSize,
    // The build table is sized for every occurrence; the kept one for the distinct words only.
    table: tableOf(finalHash, words),
    ...narrowed(units, wordStart, words),
    wordStart: wordStart.slice(0, words + 1),
    rankStart,
    ranks,
  };
}
