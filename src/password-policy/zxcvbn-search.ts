/**
 * zxcvbn-ts 3's search for the most guessable match sequence (@zxcvbn-ts/core/dist/scoring/index.js,
 * `mostGuessableMatchSequence`), the same dynamic programme over flat arrays.
 *
 * Contract: for matches whose estimates are numbers (zxcvbn-scoring.ts runs zxcvbn's own search otherwise), the
 * same answer as zxcvbn's: `{ password, guesses, guessesLog10, sequence }` with the very estimates the search keeps.
 * zxcvbn keeps, per prefix end k and sequence length l, the best sequence's last match, product and metric in
 * objects keyed by l, visits those keys in ascending order (integer keys) and never deletes one; here they are
 * rows of arrays indexed by l with a flag per slot. Every step is zxcvbn's, in its order: the matches ending at k
 * by start (stably), each tried after every sequence ending just before it, then the bruteforce spans ending at
 * k. Each match is estimated once per search (zxcvbn asks once per try; the estimate is pure:
 * zxcvbn-scoring.ts, shortcut 1), and each bruteforce span once.
 */
import type { EstimateGuesses } from './zxcvbn-scoring.js';

interface SearchedMatch {
  pattern: string;
  i: number;
  j: number;
}

interface Estimated extends SearchedMatch {
  guesses: number;
}

/** What the search reads of zxcvbn-ts 3 (scoring/utils.js, data/const.js). */
export interface SearchParts {
  /** The estimate of a match of the list (memoized across the searches' callers: zxcvbn-scoring.ts). */
  estimate: EstimateGuesses;
  /** The estimate of a bruteforce span the search makes (asked once per span and search). */
  estimateSpan: EstimateGuesses;
  log10: (n: number) => number;
  factorial: (n: number) => number;
  /** MIN_GUESSES_BEFORE_GROWING_SEQUENCE. */
  minGuessesBeforeGrowing: number;
}

export interface SearchResult {
  password: string;
  guesses: number;
  guessesLog10: number;
  sequence: Estimated[];
}

export function mostGuessableSequence(password: string, matches: readonly SearchedMatch[], excludeAdditive: boolean, parts: SearchParts): SearchResult {
  const { estimate, estimateSpan, log10, factorial, minGuessesBeforeGrowing } = parts;
  const n = password.length;
  // Row k holds sequence lengths 0 … n (0 unused).
  const width = n + 1;
  const g = new Float64Array(n * width);
  const pi = new Float64Array(n * width);
  const set = new Uint8Array(n * width);
  const m: (Estimated | undefined)[] = new Array<Estimated | undefined>(n * width);
  // The matches by end, each list by start (a stable sort, as zxcvbn's).
  const byEnd: SearchedMatch[][] = Array.from({ length: n }, () => []);
  for (const match of matches) byEnd[match.j]?.push(match);
  for (const list of byEnd) list.sort((a, b) => a.i - b.i);
  const bruteforce: (Estimated | undefined)[] = new Array<Estimated | undefined>(n * n);

  const update = (estimated: Estimated, length: number): void => {
    const k = estimated.j;
    let product = estimated.guesses;
    if (length > 1) product *= pi[(estimated.i - 1) * width + length - 1] as number;
    let metric = factorial(length) * product;
    if (!excludeAdditive) metric += minGuessesBeforeGrowing ** (length - 1);
    const row = k * width;
    for (let competing = 1; competing <= length; competing++) {
      if (set[row + competing] === 1 && (g[row + competing] as number) <= metric) return;
    }
    set[row + length] = 1;
    g[row + length] = metric;
    m[row + length] = estimated;
    pi[row + length] = product;
  };
  const bruteforceOf = (i: number, j: number): Estimated => {
    let known = bruteforce[i * n + j];
    if (known === undefined) {
      known = estimateSpan({ pattern: 'bruteforce', token: password.slice(i, j + 1), i, j } as SearchedMatch, password) as Estimated;
      bruteforce[i * n + j] = known;
    }
    return known;
  };

  for (let k = 0; k < n; k++) {
    for (const match of byEnd[k] ?? []) {
      const estimated = estimate(match, password) as Estimated;
      if (match.i > 0) {
        const before = (match.i - 1) * width;
        for (let length = 1; length <= n; length++) if (set[before + length] === 1) update(estimated, length + 1);
      } else {
        update(estimated, 1);
      }
    }
    update(bruteforceOf(0, k), 1);
    for (let i = 1; i <= k; i++) {
      const before = (i - 1) * width;
      for (let length = 1; length <= n; length++) {
        if (set[before + length] !== 1 || m[before + length]?.pattern === 'bruteforce') continue;
        update(bruteforceOf(i, k), length + 1);
      }
    }
  }

  // Unwind: the best length at the last position (first of the least, as zxcvbn's strict comparison from 2e308).
  const sequence: Estimated[] = [];
  let length = 0;
  let best = Infinity;
  if (n > 0) {
    const row = (n - 1) * width;
    for (let candidate = 1; candidate <= n; candidate++) {
      if (set[row + candidate] === 1 && (g[row + candidate] as number) < best) {
        length = candidate;
        best = g[row + candidate] as number;
      }
    }
  }
  const finalLength = length;
  for (let k = n - 1; k >= 0; length--) {
    const match = m[k * width + length] as Estimated;
    sequence.unshift(match);
    k = match.i - 1;
  }
  const guesses = n === 0 ? 1 : (g[(n - 1) * width + finalLength] as number);
  return { password, guesses, guessesLog10: log10(guesses), sequence };
}
