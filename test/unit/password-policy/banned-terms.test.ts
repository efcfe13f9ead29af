import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BannedTermIndex, FUZZY_MIN_TERM_LENGTH } from '../../../src/password-policy/banned-term-index.js';
import {
  bannedTermIndexFor,
  evaluateBannedTerms,
  personalNameTerms,
  scoreBannedTerms,
} from '../../../src/password-policy/banned-terms.js';
import { normalizePassword } from '../../../src/password-policy/normalize.js';
import { naiveMatchSpans, naiveScore } from './naive-reference.js';

/** The lists of Entra's documented examples: global "blank", custom "contoso". */
const entraExampleIndex = BannedTermIndex.build(['blank'], ['contoso']);

describe('Entra documented vectors (concept-password-ban-bad)', () => {
  it('"Bl@nK" normalises to the banned "blank" and is rejected', () => {
    const result = evaluateBannedTerms('Bl@nK', entraExampleIndex);
    assert.equal(result.normalized, 'blank');
    assert.deepEqual(result.termsFound, ['blank']);
    assert.equal(result.points, 1);
    assert.equal(result.accepted, false);
  });

  it('"abcdeg", "abcdefg", "abcde" each match banned "abcdef" (edit distance 1)', () => {
    const index = BannedTermIndex.build(['abcdef']);
    for (const password of ['abcdeg', 'abcdefg', 'abcde']) {
      const result = evaluateBannedTerms(password, index);
      assert.deepEqual(result.termsFound, ['abcdef'], password);
      assert.equal(result.accepted, false, password);
    }
  });

  it('user "Poll": "p0LL23fb" contains the first name after normalisation → rejected', () => {
    const result = evaluateBannedTerms('p0LL23fb', entraExampleIndex, { firstName: 'Poll' });
    assert.equal(result.personalName, 'Poll');
    assert.equal(result.accepted, false);
    assert.ok(result.points >= 5, 'rejected for the name alone, not for points');
  });

  it('"C0ntos0Blank12" → [contoso] + [blank] + [1] + [2] = 4 points → rejected', () => {
    const result = evaluateBannedTerms('C0ntos0Blank12', entraExampleIndex);
    assert.equal(result.normalized, 'contosoblankl2');
    assert.deepEqual(result.termsFound, ['contoso', 'blank']);
    assert.equal(result.points, 4);
    assert.equal(result.accepted, false);
  });

  it('"ContoS0Bl@nkf9!" → [contoso] + [blank] + [f] + [9] + [!] = 5 points → accepted', () => {
    const result = evaluateBannedTerms('ContoS0Bl@nkf9!', entraExampleIndex);
    assert.deepEqual(result.termsFound, ['contoso', 'blank']);
    assert.equal(result.points, 5);
    assert.equal(result.accepted, true);
  });

  it('the same two vectors hold with the shipped global list plus custom "contoso"', () => {
    const index = bannedTermIndexFor(['contoso', 'blank']);
    assert.equal(evaluateBannedTerms('C0ntos0Blank12', index).points, 4);
    assert.equal(evaluateBannedTerms('ContoS0Bl@nkf9!', index).points, 5);
  });
});

describe('fuzzy matching', () => {
  const index = BannedTermIndex.build(['summer', 'sspr', 'password']);

  it('finds substitutions, insertions and deletions inside a password', () => {
    assert.deepEqual(scoreBannedTerms('xsummerx', index), { points: 3, termsFound: ['summer'] });
    assert.deepEqual(scoreBannedTerms('xsunmerx', index), { points: 3, termsFound: ['summer'] });
    assert.deepEqual(scoreBannedTerms('xsummmerx', index), { points: 3, termsFound: ['summer'] });
    assert.deepEqual(scoreBannedTerms('xsumerx', index), { points: 3, termsFound: ['summer'] });
  });

  it('counts a term once per occurrence', () => {
    assert.deepEqual(scoreBannedTerms(normalizePassword('PasswordPassword'), index), {
      points: 2,
      termsFound: ['password', 'password'],
    });
  });

  it('matches four-character terms exactly only', () => {
    assert.equal(scoreBannedTerms('sspr', index).points, 1);
    assert.equal(scoreBannedTerms('sspx', index).points, 4);
    assert.equal(scoreBannedTerms('ssp', index).points, 3);
  });

  it('ignores terms shorter than four characters', () => {
    const short = BannedTermIndex.build(['abc', 'xy', 'abcd']);
    assert.equal(short.size, 1);
    assert.equal(scoreBannedTerms('abcxy', short).points, 5);
  });

  it('normalises the terms too, and reports them as listed', () => {
    const leet = BannedTermIndex.build(['P@ssw0rd', '2024']);
    assert.deepEqual(scoreBannedTerms(normalizePassword('password2024'), leet).termsFound, ['p@ssw0rd', '2024']);
  });

  it('an empty index matches nothing', () => {
    assert.deepEqual(scoreBannedTerms('anything', BannedTermIndex.build([])), { points: 8, termsFound: [] });
  });

  it('handles astral code points as single characters', () => {
    const emoji = BannedTermIndex.build(['🔐🔐🔐🔐🔐']);
    // "🔐🔐🔐🔐" is the term minus one; "b🔐🔐🔐🔐" the term with one substitution: a + [b🔐🔐🔐🔐] + c + d.
    assert.equal(scoreBannedTerms('ab🔐🔐🔐🔐cd', emoji).points, 4);
    assert.equal(scoreBannedTerms('ab🔐🔐🔐🔐cd', emoji).points, naiveScore('ab🔐🔐🔐🔐cd', ['🔐🔐🔐🔐🔐']));
  });
});

describe('personal names (Entra step 3)', () => {
  it('takes names and their words of 4+ characters, normalised and with l/i folded', () => {
    const terms = personalNameTerms({ firstName: 'Jo', lastName: 'van der Berg', organisation: 'Contoso Ltd.' });
    assert.deepEqual([...terms.keys()].sort(), ['berg', 'contoso', 'contoso itd.', 'van der berg']);
    assert.equal(terms.get('contoso itd.'), 'Contoso Ltd.');
  });

  it('catches "1" written for "i" in a name', () => {
    const result = evaluateBannedTerms('Fabr1kam-Rocks', entraExampleIndex, { organisation: 'Fabrikam' });
    assert.equal(result.personalName, 'Fabrikam');
  });

  it('rejects a password containing the organisation name in any spelling', () => {
    const result = evaluateBannedTerms('C0NT0S0-rocks-2025', entraExampleIndex, { organisation: 'Contoso' });
    assert.equal(result.personalName, 'Contoso');
    assert.equal(result.accepted, false);
  });

  it('ignores names under four characters', () => {
    const result = evaluateBannedTerms('Tom-likes-green-tea', entraExampleIndex, { firstName: 'Tom' });
    assert.equal(result.personalName, undefined);
    assert.equal(result.accepted, true);
  });
});

describe('properties', () => {
  const letters = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split(''));
  const word = (min: number, max: number) =>
    fc.array(letters, { minLength: min, maxLength: max }).map((chars) => chars.join(''));

  type Edit = { kind: 'substitute' | 'insert' | 'delete'; position: number; char: string };
  const applyEdit = (term: string, edit: Edit): string => {
    const position = edit.position % (term.length + (edit.kind === 'insert' ? 1 : 0));
    if (edit.kind === 'substitute') return term.slice(0, position) + edit.char + term.slice(position + 1);
    if (edit.kind === 'insert') return term.slice(0, position) + edit.char + term.slice(position);
    return term.slice(0, position) + term.slice(position + 1);
  };
  const edit = fc.record({
    kind: fc.constantFrom<Edit['kind']>('substitute', 'insert', 'delete'),
    position: fc.nat(100),
    char: letters,
  });

  it('any single edit of a banned term inside random padding is found there', () => {
    fc.assert(
      fc.property(word(FUZZY_MIN_TERM_LENGTH, 12), edit, word(0, 10), word(0, 10), (term, change, left, right) => {
        const edited = applyEdit(term, change);
        const index = BannedTermIndex.build([term]);
        const matches = index.findMatches(left + edited + right);
        const found = matches.some(
          (match) => match.start >= left.length && match.end <= left.length + edited.length,
        );
        assert.ok(found, `${term} → ${edited} in ${left}|${edited}|${right}: ${JSON.stringify(matches)}`);
        // …and costs at most 2 points (the term plus possibly the edge character it absorbed).
        const withoutTerm = [...left].length + [...right].length;
        assert.ok(scoreBannedTerms(left + edited + right, index).points <= withoutTerm + 2);
      }),
      { numRuns: 3000 },
    );
  });

  it('finds exactly the spans the naive O(n·m) reference finds, and the same score', () => {
    // A small alphabet with substituted characters makes matches (and near misses) frequent.
    const small = fc.constantFrom('a', 'b', 'o', '0', 's', '$', 'l', '1');
    const text = (min: number, max: number) =>
      fc.array(small, { minLength: min, maxLength: max }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.array(text(3, 8), { minLength: 1, maxLength: 6 }), text(0, 16), (terms, password) => {
        const index = BannedTermIndex.build(terms);
        const normalized = normalizePassword(password);
        const fast = new Set(index.findMatches(normalized).map((match) => `${match.start}:${match.end}`));
        assert.deepEqual([...fast].sort(), [...naiveMatchSpans(normalized, terms)].sort());
        assert.equal(scoreBannedTerms(normalized, index).points, naiveScore(normalized, terms));
      }),
      { numRuns: 3000 },
    );
  });

  it('the score never exceeds the length and is at least 1 for a non-empty password', () => {
    const index = bannedTermIndexFor([]);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }), (password) => {
        const normalized = normalizePassword(password);
        const { points } = scoreBannedTerms(normalized, index);
        assert.ok(points >= 1 && points <= [...normalized].length);
      }),
    );
  });
});
