import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomInt } from 'node:crypto';
import { guessesFloorLog10, memoizedEstimate, scoreOnly, SCORE_4_LOG10, withoutDominatedMatches, type EstimateGuesses } from '../../../src/password-policy/zxcvbn-scoring.js';
import { estimateStrength, preloadStrengthEstimator } from '../../../src/password-policy/strength.js';

const require = createRequire(import.meta.url);

interface Scoring {
  mostGuessableMatchSequence(password: string, matches: unknown[], excludeAdditive?: boolean): unknown;
}
type MatchingClass = new () => { match(password: string): unknown[] };

const WORDS = ['password', 'Passwort', 'summer', 'dragon', 'monkey', 'anchor', 'cedar', 'qwerty', 'alice', 'soleil', 'kowalski', 'p4ssw0rd', 'abc', 'zxcvbn'];
function samplePasswords(): string[] {
  const word = () => WORDS[randomInt(WORDS.length)] ?? '';
  const shapes = [
    () => `${word()}-${word()}-${randomInt(1000, 10000)}-${word()}${String.fromCharCode(65 + randomInt(26))}`,
    () => `${word()}${word()}${randomInt(100)}!`,
    () => `${word()}${word()}`.repeat(randomInt(1, 4)),
    () => `${randomInt(1, 29)}.${randomInt(1, 13)}.${randomInt(1950, 2030)}${word()}`,
    () => `abcdef${word()}qwertyuiop${randomInt(10)}`,
    () => Array.from({ length: randomInt(1, 25) }, () => String.fromCharCode(33 + randomInt(94))).join(''),
  ];
  return ['', 'a', 'aaaaaaaa', 'Alice2024', 'correct horse battery staple', ...Array.from({ length: 600 }, (_, k) => shapes[k % shapes.length]?.() ?? '')];
}

test('the estimator runs zxcvbn with both scoring shortcuts', () => {
  preloadStrengthEstimator();
  const installed = require.cache[require.resolve('@zxcvbn-ts/core/dist/scoring/estimate.js')];
  assert.ok(installed);
  assert.equal((installed.exports as { name?: string }).name, 'memoizedEstimateGuesses');
  const scoring = require('@zxcvbn-ts/core/dist/scoring/index.js') as Scoring;
  assert.equal(scoring.mostGuessableMatchSequence.name, 'mostGuessableOfUndominated');
  assert.ok(estimateStrength('cedar-anchor-4821-summerQ', ['alice'], 'en').score >= 0);
});

test('scoring with the shortcuts returns exactly what zxcvbn’s own scoring returns', () => {
  preloadStrengthEstimator();
  const scoringPath = require.resolve('@zxcvbn-ts/core/dist/scoring/index.js');
  const estimatePath = require.resolve('@zxcvbn-ts/core/dist/scoring/estimate.js');
  const withMemo = require(scoringPath) as Scoring;
  const Matching = require('@zxcvbn-ts/core/dist/Matching.js') as MatchingClass;
  // The original: zxcvbn's scoring and estimate modules read afresh, without the installation.
  delete require.cache[scoringPath];
  delete require.cache[estimatePath];
  const original = require(scoringPath) as Scoring;
  assert.notEqual(original, withMemo);
  const matching = new Matching();
  for (const password of samplePasswords()) {
    const matches = matching.match(password);
    const expected = JSON.stringify(original.mostGuessableMatchSequence(password, matches));
    assert.equal(JSON.stringify(withMemo.mostGuessableMatchSequence(password, matches)), expected, password);
    // Twice over the same matches: a remembered estimate answers the same.
    assert.equal(JSON.stringify(withMemo.mostGuessableMatchSequence(password, matches)), expected, password);
    const additive = JSON.stringify(original.mostGuessableMatchSequence(password, matches, true));
    assert.equal(JSON.stringify(withMemo.mostGuessableMatchSequence(password, matches, true)), additive, password);
  }
});

test('a bruteforce estimate is kept only for its own password', () => {
  let calls = 0;
  const estimate: EstimateGuesses = (match, password) => (calls++, { ...match, guesses: password.length * 100 + match.j - match.i });
  const memo = memoizedEstimate(estimate);
  const span = { pattern: 'bruteforce', i: 1, j: 3 };
  assert.deepEqual(memo(span, 'abcdef'), { ...span, guesses: 602 });
  assert.deepEqual(memo({ ...span }, 'abcdef'), { ...span, guesses: 602 });
  assert.equal(calls, 1);
  assert.deepEqual(memo({ ...span }, 'abcdefgh'), { ...span, guesses: 802 });
  assert.equal(calls, 2);
  const word = { pattern: 'dictionary', i: 0, j: 2 };
  memo(word, 'abcdef');
  memo(word, 'abcdef');
  memo({ ...word }, 'abcdef');
  assert.equal(calls, 4);
  memo.forget();
  memo(word, 'abcdef');
  assert.equal(calls, 5, 'after forget() nothing of the last password is kept');
});

test('a match is left out only after one over the same span with at most as many guesses', () => {
  let estimates = 0;
  const estimate: EstimateGuesses = (match) => (estimates++, { ...match, guesses: (match as unknown as { rank: number }).rank });
  const m = (i: number, j: number, rank: number) => ({ pattern: 'dictionary', i, j, rank, reversed: false, l33t: false, dictionaryName: 'words' });
  const matches = [m(0, 2, 50), m(0, 2, 50), m(0, 2, 70), m(0, 2, 10), m(0, 3, 90), m(1, 2, 5), m(0, 2, 10)];
  assert.deepEqual(withoutDominatedMatches(matches, 'abcd', estimate), [m(0, 2, 50), m(0, 2, 10), m(0, 3, 90), m(1, 2, 5)]);
  // Plain words over a span already seen with a lower or equal rank are left out without an estimate.
  assert.equal(estimates, 4);
  const reversed = { ...m(0, 2, 60), reversed: true };
  assert.deepEqual(withoutDominatedMatches([m(0, 2, 50), reversed, m(0, 2, 30)], 'abcd', estimate), [m(0, 2, 50), m(0, 2, 30)]);
});

test('score only: the same score and feedback as the full search, and the floor never above its guesses', () => {
  preloadStrengthEstimator();
  const core = require('@zxcvbn-ts/core') as { zxcvbn(password: string, inputs?: string[]): { score: number; guesses: number; feedback: unknown } };
  const scoring = require('@zxcvbn-ts/core/dist/scoring/index.js') as Scoring;
  const estimate = require('@zxcvbn-ts/core/dist/scoring/estimate.js') as EstimateGuesses;
  const Matching = require('@zxcvbn-ts/core/dist/Matching.js') as MatchingClass;
  const matching = new Matching();
  let skipped = 0;
  for (const password of samplePasswords()) {
    const full = core.zxcvbn(password, ['alice']);
    const fast = scoreOnly(() => core.zxcvbn(password, ['alice']));
    assert.equal(fast.score, full.score, password);
    assert.deepEqual(fast.feedback, full.feedback, password);
    if (fast.guesses !== full.guesses) skipped++;
    const matches = matching.match(password) as Array<{ pattern: string; i: number; j: number }>;
    const searched = scoring.mostGuessableMatchSequence(password, matches) as { guessesLog10: number };
    assert.ok(guessesFloorLog10(password, matches, estimate) <= searched.guessesLog10 + 1e-9, password);
  }
  assert.ok(skipped > 50, `long passphrases skip the search (${skipped})`);
  assert.ok(SCORE_4_LOG10 > 10);
});

test('the floor: a unit counts its least share, and at most 1 (bruteforce)', () => {
  const estimate: EstimateGuesses = (match) => ({ ...match, guesses: (match as unknown as { rank: number }).rank });
  const m = (i: number, j: number, rank: number, reversed = false) => ({ pattern: 'dictionary', i, j, rank, reversed, l33t: false, dictionaryName: 'words' });
  assert.equal(guessesFloorLog10('abcd', [], estimate), 4);
  assert.ok(Math.abs(guessesFloorLog10('abcd', [m(0, 1, 100), m(0, 1, 1000), m(2, 3, 10, true), m(1, 3, 1e6, true)], estimate) - (1 + 1 + 0.5 + 0.5)) < 1e-12);
  assert.ok(Math.abs(guessesFloorLog10('abcd', [m(0, 3, 1e4), m(0, 1, 10)], estimate) - (0.5 + 0.5 + 1 + 1)) < 1e-12);
});
