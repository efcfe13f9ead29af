import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomInt } from 'node:crypto';
import { installFastDictionaryMatch, type ZxcvbnInternals } from '../../../src/password-policy/dictionary-match.js';
import { preloadStrengthEstimator } from '../../../src/password-policy/strength.js';

const require = createRequire(import.meta.url);
const matcher = require('@zxcvbn-ts/core/dist/matcher/dictionary/matching.js') as ZxcvbnInternals['matcher'] & { new (): { match(input: { password: string }): unknown[] } };
const { zxcvbnOptions } = require('@zxcvbn-ts/core/dist/Options.js') as { zxcvbnOptions: ZxcvbnInternals['options'] & { setOptions(o: object): void } };
const core = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');

const WORDS = ['password', 'Passwort', 'summer', 'Sommer', 'dragon', 'monkey', 'anchor', 'cedar', 'constructor', '__proto__', 'michael', 'müller', 'qwerty', 'alice'];
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

test('the fast dictionary matcher returns what zxcvbn’s own returns, with and without user inputs', () => {
  // Loads the service's dictionaries (and installs the fast matcher); the original is kept to compare against.
  preloadStrengthEstimator();
  const fast = matcher.prototype.defaultMatch;
  assert.equal(fast.name, 'fastDefaultMatch');
  const passwords = samplePasswords();
  const run = (inputs: string[]) => passwords.map((password) => JSON.stringify({ ...core.zxcvbn(password, inputs), calcTime: 0 }));
  const withFast = [run([]), run(['alice', 'Alice Example', 'Example Org'])];
  // The original: a fresh prototype function from zxcvbn's module, re-read without the installation.
  const originalModule = require.cache[require.resolve('@zxcvbn-ts/core/dist/matcher/dictionary/matching.js')];
  assert.ok(originalModule);
  delete require.cache[originalModule.id];
  const pristine = require('@zxcvbn-ts/core/dist/matcher/dictionary/matching.js') as ZxcvbnInternals['matcher'];
  require.cache[originalModule.id] = originalModule;
  assert.equal(pristine.prototype.defaultMatch.name, 'defaultMatch');
  matcher.prototype.defaultMatch = pristine.prototype.defaultMatch;
  try {
    assert.deepEqual([run([]), run(['alice', 'Alice Example', 'Example Org'])], withFast);
  } finally {
    matcher.prototype.defaultMatch = fast;
  }
});

test('another zxcvbn-ts release line keeps zxcvbn’s own matcher', () => {
  const own = function defaultMatch() {
    return [];
  };
  const foreign = { prototype: { defaultMatch: own } };
  installFastDictionaryMatch({ version: '3.1.0', matcher: foreign, options: zxcvbnOptions });
  assert.equal(foreign.prototype.defaultMatch, own);
  installFastDictionaryMatch({ version: '3.0.9', matcher: foreign, options: zxcvbnOptions });
  assert.equal(foreign.prototype.defaultMatch.name, 'fastDefaultMatch');
});

test('installing is idempotent and the Levenshtein variant is left to zxcvbn', () => {
  preloadStrengthEstimator();
  const before = matcher.prototype.defaultMatch;
  const { version } = require('@zxcvbn-ts/core/package.json') as { version: string };
  installFastDictionaryMatch({ version, matcher, options: zxcvbnOptions });
  assert.equal(matcher.prototype.defaultMatch, before);
  zxcvbnOptions.setOptions({ useLevenshteinDistance: true });
  try {
    const result = core.zxcvbn('passwrd', []);
    assert.ok(result.sequence.some((match) => 'levenshteinDistance' in match), 'the original matcher answered');
  } finally {
    zxcvbnOptions.setOptions({ useLevenshteinDistance: false });
  }
});
