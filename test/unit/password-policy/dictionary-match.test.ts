import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomInt } from 'node:crypto';
import { CompactDictionaries, hashOf } from '../../../src/password-policy/compact-dictionaries.js';
import { installCompactDictionaryMatch, type ZxcvbnInternals } from '../../../src/password-policy/dictionary-match.js';
import { preloadStrengthEstimator, strengthDictionaryLists } from '../../../src/password-policy/strength.js';

const require = createRequire(import.meta.url);
const matcher = require('@zxcvbn-ts/core/dist/matcher/dictionary/matching.js') as ZxcvbnInternals['matcher'] & { new (): { match(input: { password: string }): unknown[] } };
const { zxcvbnOptions } = require('@zxcvbn-ts/core/dist/Options.js') as { zxcvbnOptions: ZxcvbnInternals['options'] & { setOptions(o: object): void } };
const core = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');

const WORDS = ['password', 'Passwort', 'summer', 'Sommer', 'dragon', 'monkey', 'anchor', 'cedar', 'constructor', '__proto__', 'michael', 'müller', 'qwerty', 'alice',
  'soleil', 'verano', 'estate', 'zomer', 'lato', 'verão', 'sakura', 'さくら', 'kowalski', 'İstanbul'];
function samplePasswords(): string[] {
  const word = () => WORDS[randomInt(WORDS.length)] ?? '';
  const shapes = [
    () => `${word()}-${word()}-${randomInt(1000, 10000)}-${word()}${String.fromCharCode(65 + randomInt(26))}`,
    () => `${word()}${word()}${randomInt(100)}!`,
    () => [...word()].reverse().join('') + word().toUpperCase(),
    () => Array.from({ length: randomInt(1, 30) }, () => String.fromCharCode(33 + randomInt(94))).join(''),
  ];
  return ['', 'a', 'alice', 'Alice2024', 'constructor', 'ÄÖÜäöüß', ...Array.from({ length: 1200 }, (_, k) => shapes[k % shapes.length]?.() ?? '')];
}

test('the compact dictionary matcher returns what zxcvbn’s own returns over the same lists, with and without user inputs', () => {
  // Loads the service's dictionaries into the compact structure and installs its matcher.
  preloadStrengthEstimator();
  const { defaultMatch: compact, match: compactMatch } = matcher.prototype;
  assert.equal(compact.name, 'compactDefaultMatch');
  assert.equal(compactMatch.name, 'compactMatch');
  const passwords = samplePasswords();
  const inputs = ['alice', 'Alice Example', 'Example Org', 'constructor'];
  const run = () => [[], inputs].map((userInputs) => passwords.map((password) => JSON.stringify({ ...core.zxcvbn(password, userInputs), calcTime: 0 })));
  const withCompact = run();
  // The original: fresh prototype functions from zxcvbn's module, re-read without the installation, over
  // zxcvbn's own ranked dictionaries of the very same lists.
  const originalModule = require.cache[require.resolve('@zxcvbn-ts/core/dist/matcher/dictionary/matching.js')];
  assert.ok(originalModule);
  delete require.cache[originalModule.id];
  const pristine = require('@zxcvbn-ts/core/dist/matcher/dictionary/matching.js') as ZxcvbnInternals['matcher'];
  require.cache[originalModule.id] = originalModule;
  assert.equal(pristine.prototype.defaultMatch.name, 'defaultMatch');
  matcher.prototype.defaultMatch = pristine.prototype.defaultMatch;
  matcher.prototype.match = pristine.prototype.match;
  zxcvbnOptions.setOptions({ dictionary: Object.fromEntries(strengthDictionaryLists()) });
  try {
    assert.deepEqual(run(), withCompact);
  } finally {
    zxcvbnOptions.setOptions({ dictionary: {} });
    matcher.prototype.defaultMatch = compact;
    matcher.prototype.match = compactMatch;
  }
});

test('another zxcvbn-ts release line keeps zxcvbn’s own matcher', () => {
  const own = function defaultMatch() {
    return [];
  };
  const ownMatch = function match() {
    return [];
  };
  const foreign = { prototype: { defaultMatch: own, match: ownMatch } };
  const lists = new CompactDictionaries([['words', ['alpha']]]);
  assert.equal(installCompactDictionaryMatch({ version: '3.1.0', matcher: foreign, options: zxcvbnOptions }, lists), false);
  assert.equal(foreign.prototype.defaultMatch, own);
  assert.equal(foreign.prototype.match, ownMatch);
  assert.equal(installCompactDictionaryMatch({ version: '3.0.9', matcher: foreign, options: zxcvbnOptions }, lists), true);
  assert.equal(foreign.prototype.defaultMatch.name, 'compactDefaultMatch');
  assert.equal(foreign.prototype.match.name, 'compactMatch');
});

test('the compact matcher refuses the Levenshtein variant rather than answer without the word lists', () => {
  preloadStrengthEstimator();
  zxcvbnOptions.setOptions({ useLevenshteinDistance: true });
  try {
    assert.throws(() => core.zxcvbn('passwrd', []), /Levenshtein/);
  } finally {
    zxcvbnOptions.setOptions({ useLevenshteinDistance: false });
  }
});

test('the compact structure ranks like zxcvbn: 1-based, a repeated word at its last position, per dictionary', () => {
  const lists = new CompactDictionaries([
    ['a', ['sun', 'moon', 'sun', 'Äpfel', '漢字', '😀x']],
    ['b', ['moon', 'star']],
    ['empty', []],
  ]);
  assert.equal(lists.size, 6);
  assert.deepEqual(lists.maxWordSize, [5, 4, 0]);
  const ranks = (word: string) => {
    const found: [number, number][] = [];
    lists.ranksOf(lists.idOf(word), (dictionary, rank) => found.push([dictionary, rank]));
    return found;
  };
  assert.deepEqual(ranks('sun'), [[0, 3]]);
  assert.deepEqual(ranks('moon'), [[0, 2], [1, 1]]);
  assert.deepEqual(ranks('😀x'), [[0, 6]]);
  assert.equal(lists.rankIn(lists.idOf('star'), 0), undefined);
  assert.equal(lists.rankIn(lists.idOf('star'), 1), 2);
  for (const absent of ['su', 'suns', 'äpfel', '', 'constructor']) assert.equal(lists.idOf(absent), -1, absent);
  // Every prefix of every word may begin one; with a handful of words the filter's bits answer the rest exactly.
  for (const word of ['sun', 'moon', 'Äpfel', '漢字', '😀x', 'star']) {
    for (let k = 1; k <= word.length; k++) assert.ok(lists.mayBeginWith(hashOf(word.slice(0, k))), word.slice(0, k));
  }
  for (const text of ['x', 'sunx', 'äp', 'zz', '字']) assert.equal(lists.mayBeginWith(hashOf(text)), false, text);
});
