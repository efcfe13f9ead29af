/**
 * The estimator's whole path (strength window, leetspeak reading, compact dictionary matcher, scoring shortcuts)
 * against unmodified zxcvbn-ts: a second copy of @zxcvbn-ts/core, loaded afresh beside the installed one, with
 * zxcvbn's own matchers, scoring and ranked dictionaries of the very same lists, run the way strength.ts runs it
 * (the window, and the window with the substitutions undone when it may be leetspeak; the lower score wins).
 * Score, suggestions and warning must agree for every password of a generated corpus.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { messages } from '../../../src/i18n/messages.js';
import { hasSubstitutionNextToLetter, undoSubstitutions } from '../../../src/password-policy/normalize.js';
import { strengthWindow } from '../../../src/password-policy/strength-window.js';
import { estimateStrength, preloadStrengthEstimator, strengthDictionaryLists } from '../../../src/password-policy/strength.js';

const require = createRequire(import.meta.url);
type ZxcvbnCore = typeof import('@zxcvbn-ts/core');

/** A fresh copy of @zxcvbn-ts/core's modules (own options singleton, nothing installed), the installed copy left in place. */
function pristineZxcvbn(): ZxcvbnCore {
  const isCore = (id: string) => id.includes('/@zxcvbn-ts/core/');
  const installed = Object.entries(require.cache).filter(([id]) => isCore(id));
  for (const [id] of installed) Reflect.deleteProperty(require.cache, id);
  try {
    return require('@zxcvbn-ts/core') as ZxcvbnCore;
  } finally {
    for (const [id] of Object.entries(require.cache)) if (isCore(id)) Reflect.deleteProperty(require.cache, id);
    for (const [id, entry] of installed) require.cache[id] = entry;
  }
}

/** Deterministic corpus: words of every list at every rank, in the shapes people and attackers use. */
function corpus(count: number): string[] {
  let seed = Number(process.env.SSPR_EQUIVALENCE_SEED ?? 0x5eed);
  const random = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const lists = strengthDictionaryLists().map(([, words]) => words);
  const word = () => {
    const list = lists[random(lists.length)] ?? [];
    // Low ranks (common words) more often than the long tail.
    const rank = random(2) === 0 ? random(Math.min(list.length, 200)) : random(list.length);
    return list[rank] ?? 'password';
  };
  const chars = (set: string, n: number) => Array.from({ length: n }, () => set[random(set.length)]).join('');
  const capital = (w: string) => (w[0] ?? '').toUpperCase() + w.slice(1);
  const leet = (w: string) => w.replace(/a/g, '4').replace(/o/g, '0').replace(/e/g, '3').replace(/s/g, '$').replace(/i/g, '!').replace(/l/g, '1');
  const reverse = (w: string) => [...w].reverse().join('');
  const symbol = () => chars('!@#$%&*-_.?+|€£', 1);
  const walks = ['qwerty', 'asdfgh', 'zxcvbn', '1qaz2wsx', 'qwertz', 'azerty', '147258', '!@#$%^', 'poiuy', 'mnbvc'];
  const date = () => `${random(31) + 1}${chars('./-', 1)}${random(12) + 1}${chars('./-', 1)}${1940 + random(90)}`;
  const shapes: (() => string)[] = [
    () => `${chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 2)}${symbol()}${chars('abcdefghijklmnopqrstuvwxyz0123456789', 5)}-${word()}-${random(100)}`,
    () => `${capital(word())}${word()}${random(10_000)}${symbol()}`,
    () => `${word()}-${word()}-${word()}-${random(100)}`,
    () => `${capital(leet(word()))}${random(100)}${symbol()}${capital(word())}`,
    () => chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*-_', 8 + random(17)),
    () => `${capital(word())}${1940 + random(90)}${symbol()}`,
    () => `${capital(word())}${symbol()}${date()}`,
    () => `${walks[random(walks.length)]}${random(1000)}${symbol()}`,
    () => `${capital(word())}${capital(word())}${symbol()}${chars('0123456789', 2)}`,
    () => `${leet(word())}${random(100)}`,
    () => `${word()}${random(100)}`,
    () => `${reverse(word())}${word().toUpperCase()}`,
    () => `${word()}`.repeat(1 + random(3)) + symbol(),
    () => `${chars('abc123', 1 + random(3))}`.repeat(2 + random(4)),
    () => `abcdef${word()}${random(10)}`,
    () => `${word().toUpperCase()}${chars('0123456789', 1 + random(6))}`,
    () => `${word().slice(0, -1)}${(word().at(-1) ?? 'x').toUpperCase()}${random(10)}`,
    () => `Jdoe${1960 + random(60)}!`,
    () => `Contoso${symbol()}${random(100)}`,
    () => `${capital(word())}${chars('äöüßéèçñ', 2)}${word()}`,
    () => `${date()}${date()}`,
    () => `P@ssw0rd${random(100)}`,
    () => `${word()}${word()}`.toUpperCase(),
    () => `${capital(word())} ${word()} ${word()}`,
  ];
  const fixed = ['', 'a', 'aaaaaaaa', 'constructor', '__proto__', 'Constructor1!', 'İstanbul', 'さくら2024', 'Tr0ub4dor&3', 'correct horse battery staple', 'Zq!k3v9x-horse-17', 'jdoe', 'JohnDoe1'];
  return [...fixed, ...Array.from({ length: count }, (_, k) => shapes[k % shapes.length]?.() ?? '')];
}

test('the estimator answers what unmodified zxcvbn-ts answers, over thousands of passwords and user inputs', () => {
  preloadStrengthEstimator();
  const pristine = pristineZxcvbn();
  assert.notEqual(pristine.zxcvbnOptions, (require('@zxcvbn-ts/core') as ZxcvbnCore).zxcvbnOptions);
  const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  pristine.zxcvbnOptions.setOptions({ l33tMaxSubstitutions: 0, graphs: common.adjacencyGraphs, dictionary: Object.fromEntries(strengthDictionaryLists()) });
  const reference = (password: string, inputs: string[]) => {
    const window = strengthWindow(password);
    const literal = pristine.zxcvbn(window, inputs);
    const leet = hasSubstitutionNextToLetter(window) ? pristine.zxcvbn(undoSubstitutions(window), inputs) : literal;
    const result = leet.score < literal.score ? leet : literal;
    return {
      score: result.score,
      suggestions: result.feedback.suggestions.map((key) => messages.formatAny('en', `strength.suggestion.${key}`) || key),
      warning: result.feedback.warning === '' ? null : result.feedback.warning,
    };
  };
  const inputSets = [[], ['jdoe', 'John', 'Doe', 'Contoso', 'John Doe'], ['constructor', 'horse', 'Anna']];
  const passwords = corpus(Number(process.env.SSPR_EQUIVALENCE_PASSWORDS ?? 3000));
  const scores = new Set<number>();
  for (const [k, password] of passwords.entries()) {
    const inputs = inputSets[k % inputSets.length] ?? [];
    const expected = reference(password, inputs);
    scores.add(expected.score);
    assert.deepEqual(estimateStrength(password, inputs, 'en'), expected, `${password} with ${inputs.join(', ')}`);
  }
  // The corpus reaches every score.
  assert.deepEqual([...scores].sort(), [0, 1, 2, 3, 4]);
});
