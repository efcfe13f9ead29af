/**
 * Index of banned terms for Entra-style fuzzy matching (step 2 of Microsoft Entra password
 * protection, concept-password-ban-bad): a banned term "matches" wherever a part of the
 * normalised password is within Levenshtein distance 1 of it — one substitution, one
 * inserted character or one missing character ("abcdeg", "abcdefg", "abcde" all match "abcdef").
 *
 * Design (symmetric-delete, hashed): for every term t we store, in one hash map keyed by
 * (rolling hash, length), t itself and every one-deletion variant of t. A password part s
 * is then within distance 1 of t iff one of these holds:
 *   - s == t                       → look up s          (exact)
 *   - s == t minus one character   → look up s          (the password misses a character)
 *   - s minus one character == t   → look up s minus k  (the password has an extra character)
 *   - s and t differ in one place  → look up s minus k  (substitution; hits t minus k)
 * Hashes are 30-bit polynomial hashes computed in O(1) per part from prefix hashes, so no
 * strings are built while matching; every hit is verified against the real term, so hash
 * collisions cost time, never correctness. Cost per password: about n × L²/2 probes for
 * n code points and terms up to L code points, independent of the number of terms. Each
 * probe first tests a bit array (≈16 bits per key, a few MB at most), so the hash map —
 * large and cache-unfriendly for big lists — is only consulted for likely hits.
 *
 * Terms are normalised with {@link normalizePassword}; terms shorter than
 * {@link MIN_TERM_LENGTH} code points are ignored (Entra's custom list takes 4–16 characters).
 *
 * Deviation from Entra, on purpose: terms shorter than {@link FUZZY_MIN_TERM_LENGTH} (i.e.
 * four-character terms) only match exactly. One edit on four characters leaves three, and
 * with the digit substitutions four-character terms turn into words: "2013" normalises to
 * "2ole", one substitution away from "hole", "role", "sole"; "2010" is one away from "solo".
 * Entra's documented examples all use terms of five or more characters.
 */
import { normalizePassword, toCodePoints } from './normalize.js';

export const MIN_TERM_LENGTH = 4;
/** Terms of at least this many code points match within edit distance 1; shorter ones exactly. */
export const FUZZY_MIN_TERM_LENGTH = 5;

/** A part of the password, [start, end) in code points, that fuzzily matches `term`. */
export interface TermMatch {
  start: number;
  end: number;
  /** The banned term as listed (trimmed, NFC, lower-case), e.g. "contoso" or "2024". */
  term: string;
  /** True if the part equals the normalised term (no edit needed). */
  exact: boolean;
}

const HASH_BASE = 0x01000193;
const SMI_MASK = 0x3fffffff;

function keyOf(hash: number, length: number): number {
  return (Math.imul(hash ^ Math.imul(length, 0x27d4eb2d), 0x9e3779b1) ^ length) & SMI_MASK;
}

/** Polynomial hash over code points modulo 2^32 (only ever compared, never trusted). */
function hashRange(points: readonly number[], start: number, end: number, skip = -1): number {
  let hash = 0;
  for (let i = start; i < end; i++) {
    if (i === skip) continue;
    hash = (Math.imul(hash, HASH_BASE) + (points[i] ?? 0) + 1) >>> 0;
  }
  return hash;
}

/** Prefix hashes of one password, for O(1) hashes of any part with or without one character. */
class PrefixHashes {
  private readonly prefix: Uint32Array;
  private readonly powers: Uint32Array;

  constructor(points: readonly number[]) {
    const n = points.length;
    this.prefix = new Uint32Array(n + 1);
    this.powers = new Uint32Array(n + 1);
    this.powers[0] = 1;
    for (let i = 0; i < n; i++) {
      this.prefix[i + 1] = (Math.imul(this.prefix[i] ?? 0, HASH_BASE) + (points[i] ?? 0) + 1) >>> 0;
      this.powers[i + 1] = Math.imul(this.powers[i] ?? 0, HASH_BASE) >>> 0;
    }
  }

  /** Hash of points[start, end). */
  range(start: number, end: number): number {
    const p = this.prefix;
    return ((p[end] ?? 0) - Math.imul(p[start] ?? 0, this.powers[end - start] ?? 0)) >>> 0;
  }

  /** Hash of points[start, end) with the character at `skip` left out. */
  rangeWithout(start: number, end: number, skip: number): number {
    const head = this.range(start, skip);
    const tail = this.range(skip + 1, end);
    return (Math.imul(head, this.powers[end - skip - 1] ?? 0) + tail) >>> 0;
  }
}

/** True if a[aStart, aStart+len) equals b[0, len). */
function sameRange(a: readonly number[], aStart: number, b: Int32Array): boolean {
  for (let i = 0; i < b.length; i++) if (a[aStart + i] !== b[i]) return false;
  return true;
}

/** Levenshtein distance ≤ 1 between points[start, end) and term, given |len difference| ≤ 1. */
function withinOneEdit(points: readonly number[], start: number, end: number, term: Int32Array): boolean {
  const partLength = end - start;
  const termLength = term.length;
  if (partLength === termLength) {
    let mismatches = 0;
    for (let i = 0; i < termLength; i++) {
      if (points[start + i] !== term[i] && ++mismatches > 1) return false;
    }
    return true;
  }
  // One string is the other with one character removed: skip once at the first mismatch.
  const longer = partLength > termLength;
  const shortLength = Math.min(partLength, termLength);
  let i = 0;
  while (i < shortLength && points[start + i] === term[i]) i++;
  for (let j = i; j < shortLength; j++) {
    const shortChar = longer ? term[j] : points[start + j];
    const longChar = longer ? points[start + j + 1] : term[j + 1];
    if (shortChar !== longChar) return false;
  }
  return true;
}

export class BannedTermIndex {
  /** Key → term id, or term ids when several terms share a key. */
  private readonly buckets = new Map<number, number | number[]>();
  /** Bit per (key & filterMask): clear means "no term under this key". */
  private filter = new Uint32Array(1);
  private filterMask = 0;
  /** Terms as listed, for messages; matching uses termPoints (normalised). */
  private readonly terms: string[] = [];
  private readonly termPoints: Int32Array[] = [];
  private readonly hasLength: boolean[] = [];
  private minLength = Number.POSITIVE_INFINITY;
  private maxLength = 0;

  private constructor() {}

  /** Builds an index from raw terms (normalised here; duplicates and short terms dropped). */
  static build(...termLists: ReadonlyArray<Iterable<string>>): BannedTermIndex {
    const index = new BannedTermIndex();
    const seen = new Set<string>();
    for (const list of termLists) {
      for (const raw of list) {
        const listed = raw.trim().normalize('NFC').toLowerCase();
        const term = normalizePassword(listed);
        if (seen.has(term)) continue;
        seen.add(term);
        index.add(term, listed);
      }
    }
    index.buildFilter();
    return index;
  }

  private buildFilter(): void {
    const bits = Math.min(2 ** 27, Math.max(2 ** 16, 2 ** Math.ceil(Math.log2(this.buckets.size * 16 + 1))));
    this.filter = new Uint32Array(bits / 32);
    this.filterMask = bits - 1;
    for (const key of this.buckets.keys()) {
      const bit = key & this.filterMask;
      this.filter[bit >>> 5] = (this.filter[bit >>> 5] ?? 0) | (1 << (bit & 31));
    }
  }

  /** Number of distinct normalised terms in the index. */
  get size(): number {
    return this.terms.length;
  }

  private add(term: string, listed: string): void {
    const points = toCodePoints(term);
    if (points.length < MIN_TERM_LENGTH) return;
    const id = this.terms.length;
    this.terms.push(listed);
    this.termPoints.push(Int32Array.from(points));
    const length = points.length;
    this.hasLength[length] = true;
    this.minLength = Math.min(this.minLength, length);
    this.maxLength = Math.max(this.maxLength, length);
    this.insert(keyOf(hashRange(points, 0, length), length), id);
    if (length < FUZZY_MIN_TERM_LENGTH) return;
    let previous = -1;
    for (let skip = 0; skip < length; skip++) {
      // Deleting either of two equal neighbours gives the same variant: store it once.
      if (skip > 0 && points[skip] === points[skip - 1]) continue;
      const key = keyOf(hashRange(points, 0, length, skip), length - 1);
      if (key !== previous) this.insert(key, id);
      previous = key;
    }
  }

  private insert(key: number, id: number): void {
    const existing = this.buckets.get(key);
    if (existing === undefined) this.buckets.set(key, id);
    else if (typeof existing === 'number') {
      if (existing !== id) this.buckets.set(key, [existing, id]);
    } else if (!existing.includes(id)) existing.push(id);
  }

  private hasTermOfLength(length: number): boolean {
    return this.hasLength[length] === true;
  }

  /**
   * Every part of `normalized` (already passed through normalizePassword) that is within edit
   * distance 1 of a banned term; at most one match per distinct [start, end).
   *
   * An extra character is only accepted inside the part (not as its first or last character):
   * "blankf" is the exact term "blank" followed by a remaining "f", which is how Entra's
   * documented example scores "ContoS0Bl@nkf9!" ([contoso] + [blank] + [f] + [9] + [!]).
   */
  findMatches(normalized: string): TermMatch[] {
    const matches: TermMatch[] = [];
    if (this.terms.length === 0) return matches;
    const points = toCodePoints(normalized);
    const n = points.length;
    const hashes = new PrefixHashes(points);
    const shortest = Math.max(MIN_TERM_LENGTH, this.minLength - 1);
    const longest = this.maxLength + 1;

    for (let start = 0; start < n; start++) {
      const lastLength = Math.min(longest, n - start);
      for (let length = shortest; length <= lastLength; length++) {
        const end = start + length;
        const match = this.matchPart(points, hashes, start, end);
        if (match !== undefined) matches.push({ start, end, term: match.term, exact: match.exact });
      }
    }
    return matches;
  }

  /** A term within one edit of points[start, end), if any (an exact one if there is one). */
  private matchPart(
    points: readonly number[],
    hashes: PrefixHashes,
    start: number,
    end: number,
  ): { term: string; exact: boolean } | undefined {
    const length = end - start;
    // Exact match, or the part is a term with one character missing.
    if (this.hasTermOfLength(length) || this.hasTermOfLength(length + 1)) {
      const found = this.verify(keyOf(hashes.range(start, end), length), points, start, end);
      if (found !== undefined) return found;
    }
    // Substitution (term of the same length) or an extra character (term one shorter).
    const sameLength = length >= FUZZY_MIN_TERM_LENGTH && this.hasTermOfLength(length);
    const shorter = length - 1 >= FUZZY_MIN_TERM_LENGTH && this.hasTermOfLength(length - 1);
    if (!sameLength && !shorter) return undefined;
    for (let skip = start; skip < end; skip++) {
      const interior = skip > start && skip < end - 1;
      if (!sameLength && !interior) continue;
      if (skip > start && points[skip] === points[skip - 1]) continue;
      const key = keyOf(hashes.rangeWithout(start, end, skip), length - 1);
      const found = this.verify(key, points, start, end);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * Checks the terms stored under `key` against points[start, end). An exact match is
   * preferred over a fuzzy one found under the same key.
   */
  private verify(
    key: number,
    points: readonly number[],
    start: number,
    end: number,
  ): { term: string; exact: boolean } | undefined {
    const bit = key & this.filterMask;
    if (((this.filter[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) return undefined;
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return undefined;
    const ids = typeof bucket === 'number' ? [bucket] : bucket;
    const length = end - start;
    let fuzzy: string | undefined;
    for (const id of ids) {
      const term = this.termPoints[id];
      const listed = this.terms[id];
      if (term === undefined || listed === undefined) continue;
      const diff = length - term.length;
      if (diff < -1 || diff > 1) continue;
      if (diff === 0 && sameRange(points, start, term)) return { term: listed, exact: true };
      if (fuzzy !== undefined || term.length < FUZZY_MIN_TERM_LENGTH) continue;
      if (diff === 1 && !this.extraCharIsInterior(points, start, end, term)) continue;
      if (withinOneEdit(points, start, end, term)) fuzzy = listed;
    }
    return fuzzy === undefined ? undefined : { term: fuzzy, exact: false };
  }

  /**
   * For a part one character longer than the term: true if some interior deletion yields the
   * term. If the part only matches by dropping its first or last character, the term occurs
   * exactly at a shorter span and that shorter span is the match.
   */
  private extraCharIsInterior(points: readonly number[], start: number, end: number, term: Int32Array): boolean {
    // ("aab" vs "ab" can drop an interior or the first "a"; the exact span wins there too.)
    return !sameRange(points, start + 1, term) && !sameRange(points, start, term);
  }
}
