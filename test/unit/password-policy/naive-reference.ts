/**
 * Slow, obviously-correct reference for the banned-term matcher: every part of the password
 * against every term with a full O(n·m) Levenshtein table. Encodes the same contract as
 * BannedTermIndex.findMatches (see banned-term-index.ts):
 *  - parts and terms are compared as code points of normalised text;
 *  - terms under MIN_TERM_LENGTH are ignored; terms under FUZZY_MIN_TERM_LENGTH match exactly;
 *  - otherwise distance ≤ 1, except that a part one longer than the term must not become the
 *    term by dropping its first or last character (the exact shorter span is the match).
 */
import { FUZZY_MIN_TERM_LENGTH, MIN_TERM_LENGTH } from '../../../src/password-policy/banned-term-index.js';
import { normalizePassword } from '../../../src/password-policy/normalize.js';

export function levenshtein(a: readonly string[], b: readonly string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((char, i) => char === b[i]);
}

export function partMatchesTerm(part: readonly string[], term: readonly string[]): boolean {
  if (term.length < MIN_TERM_LENGTH) return false;
  if (same(part, term)) return true;
  if (term.length < FUZZY_MIN_TERM_LENGTH) return false;
  if (part.length === term.length + 1 && (same(part.slice(1), term) || same(part.slice(0, -1), term))) return false;
  return levenshtein(part, term) <= 1;
}

/** Spans "start:end" of the normalised password that match some term. */
export function naiveMatchSpans(normalizedPassword: string, terms: readonly string[]): Set<string> {
  const points = [...normalizedPassword];
  const termPoints = terms.map((term) => [...normalizePassword(term)]);
  const spans = new Set<string>();
  for (let start = 0; start < points.length; start++) {
    for (let end = start + 1; end <= points.length; end++) {
      const part = points.slice(start, end);
      if (termPoints.some((term) => partMatchesTerm(part, term))) spans.add(`${start}:${end}`);
    }
  }
  return spans;
}

/** Minimum Entra points by brute-force recursion over the naive spans. */
export function naiveScore(normalizedPassword: string, terms: readonly string[]): number {
  const n = [...normalizedPassword].length;
  const spans = [...naiveMatchSpans(normalizedPassword, terms)].map((span) => span.split(':').map(Number));
  const best: number[] = [0];
  for (let end = 1; end <= n; end++) {
    let value = (best[end - 1] ?? 0) + 1;
    for (const [start, spanEnd] of spans) {
      if (spanEnd === end && start !== undefined) value = Math.min(value, (best[start] ?? 0) + 1);
    }
    best[end] = value;
  }
  return best[n] ?? 0;
}
