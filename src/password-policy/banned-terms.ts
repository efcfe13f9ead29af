/**
 * Entra-style banned-password evaluation (Microsoft Entra password protection,
 * concept-password-ban-bad, "How are passwords evaluated"):
 *   1. normalise (lower-case, undo substitutions)              → normalize.ts
 *   2. fuzzy-match the global and custom banned terms          → banned-term-index.ts
 *   3. substring-match the user's first name, last name and organisation name (terms of 4+
 *      characters); a password containing one is rejected outright
 *   4. score: each banned term found = 1 point, each remaining character = 1 point;
 *      accepted only at 5 points or more.
 *
 * Entra does not document how overlapping matches are chosen. We take the cheapest cover:
 * the minimum points over all ways to pick non-overlapping matches (a small dynamic
 * programme over the password), i.e. the score an attacker with the same list would see.
 * It can only be stricter than any other choice of matches.
 */
import { BannedTermIndex, type TermMatch } from './banned-term-index.js';
import { GLOBAL_BANNED_TERMS } from './lists/global-banned.js';
import { foldForNameMatch, normalizePassword, toCodePoints } from './normalize.js';

export const BANNED_SCORE_THRESHOLD = 5;
export const MIN_NAME_TERM_LENGTH = 4;

export interface PersonalNames {
  firstName?: string | undefined;
  lastName?: string | undefined;
  organisation?: string | undefined;
}

export interface BannedTermScore {
  /** Points under Entra's rule (terms found + remaining characters). */
  points: number;
  /** The banned terms used in the cheapest cover, in password order (may repeat). */
  termsFound: string[];
}

export interface BannedTermEvaluation extends BannedTermScore {
  normalized: string;
  /** The name (as the user spelled it) found in the password, if any: rejected outright. */
  personalName?: string;
  accepted: boolean;
}

/**
 * Minimum Entra points for a normalised password, given the fuzzy matches found in it.
 * Among covers with equal points, the one with fewer fuzzy (non-exact) matches wins, so the
 * terms reported read naturally ("password" + "password", not "passw" ~ "passwd" + …).
 */
export function scoreMatches(length: number, matches: readonly TermMatch[]): BannedTermScore {
  const endingAt: TermMatch[][] = Array.from({ length: length + 1 }, () => []);
  for (const match of matches) endingAt[match.end]?.push(match);

  const points = new Int32Array(length + 1);
  const edits = new Int32Array(length + 1);
  const choice: (TermMatch | undefined)[] = new Array<TermMatch | undefined>(length + 1);
  for (let end = 1; end <= length; end++) {
    points[end] = (points[end - 1] ?? 0) + 1;
    edits[end] = edits[end - 1] ?? 0;
    choice[end] = undefined;
    for (const match of endingAt[end] ?? []) {
      const candidatePoints = (points[match.start] ?? 0) + 1;
      const candidateEdits = (edits[match.start] ?? 0) + (match.exact ? 0 : 1);
      const current = points[end] ?? 0;
      if (candidatePoints < current || (candidatePoints === current && candidateEdits < (edits[end] ?? 0))) {
        points[end] = candidatePoints;
        edits[end] = candidateEdits;
        choice[end] = match;
      }
    }
  }

  const termsFound: string[] = [];
  for (let end = length; end > 0; ) {
    const match = choice[end];
    if (match === undefined) end--;
    else {
      termsFound.push(match.term);
      end = match.start;
    }
  }
  return { points: points[length] ?? 0, termsFound: termsFound.reverse() };
}

/** Step 2 + 4: fuzzy matches and score of an already-normalised password. */
export function scoreBannedTerms(normalized: string, index: BannedTermIndex): BannedTermScore {
  return scoreMatches(toCodePoints(normalized).length, index.findMatches(normalized));
}

/**
 * The name terms of step 3: each of first name, last name and organisation as a whole and
 * split into words, normalised and folded (foldForNameMatch), keeping those of 4+ code
 * points. Maps folded → as given.
 */
export function personalNameTerms(names: PersonalNames): Map<string, string> {
  const terms = new Map<string, string>();
  for (const value of [names.firstName, names.lastName, names.organisation]) {
    if (value === undefined) continue;
    const whole = value.trim();
    for (const candidate of [whole, ...whole.split(/[\s,.\-_#]+/u)]) {
      const folded = foldForNameMatch(normalizePassword(candidate));
      if ([...folded].length >= MIN_NAME_TERM_LENGTH && !terms.has(folded)) terms.set(folded, candidate);
    }
  }
  return terms;
}

/** Full Entra evaluation of one password. */
export function evaluateBannedTerms(
  password: string,
  index: BannedTermIndex,
  names: PersonalNames = {},
): BannedTermEvaluation {
  const normalized = normalizePassword(password);
  const { points, termsFound } = scoreBannedTerms(normalized, index);
  const folded = foldForNameMatch(normalized);
  let personalName: string | undefined;
  for (const [term, asGiven] of personalNameTerms(names)) {
    if (folded.includes(term)) {
      personalName = asGiven;
      break;
    }
  }
  const accepted = personalName === undefined && points >= BANNED_SCORE_THRESHOLD;
  return personalName === undefined
    ? { normalized, points, termsFound, accepted }
    : { normalized, points, termsFound, personalName, accepted };
}

let cachedIndex: { key: string; index: BannedTermIndex } | undefined;

/**
 * The index of the shipped global list plus `customBanned`. The last index built is cached,
 * so calling this per request with unchanged settings costs one string join.
 */
export function bannedTermIndexFor(customBanned: readonly string[] = []): BannedTermIndex {
  const key = customBanned.join('\n');
  if (cachedIndex?.key !== key) cachedIndex = { key, index: BannedTermIndex.build(GLOBAL_BANNED_TERMS, customBanned) };
  return cachedIndex.index;
}
