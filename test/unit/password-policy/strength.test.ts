/**
 * The strength estimate's bounded input: repetitions count once and at most STRENGTH_WINDOW code
 * points are scored, so padding cannot make a weak password strong and no input — however long or
 * adversarial — gives zxcvbn more than the window to match.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bannedTermIndexFor } from '../../../src/password-policy/banned-terms.js';
import { evaluatePasswordSync } from '../../../src/password-policy/evaluate.js';
import { passwordSettingsSchema } from '../../../src/password-policy/settings.js';
import { STRENGTH_WINDOW, strengthWindow } from '../../../src/password-policy/strength-window.js';
import { estimateStrength } from '../../../src/password-policy/strength.js';

const codePoints = (text: string): number => Array.from(text).length;
const settings = passwordSettingsSchema.parse({ maxLength: 1024 });
const index = bannedTermIndexFor([]);
const user = { username: 'u0001' };

/** Inputs that made zxcvbn work for seconds when it saw the whole password. */
const adversarial = [
  '7'.repeat(1024),
  Array.from({ length: 1024 }, (_, i) => String((i * 7919) % 10)).join(''),
  Array.from({ length: 1024 }, (_, i) => '4@8(36#!1|70$5+2'[(i * 31) % 16]).join(''),
  Array.from({ length: 1024 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz0123456789'[(i * 17) % 36]).join(''),
  '19.05.1987'.repeat(100),
  '😀é'.repeat(500),
];

describe('strength window', () => {
  it('keeps short passwords without repetitions as they are', () => {
    for (const password of ['amber-anchor-1234-basilX', 'Tr0ub4dor&3', 'balloon', 'Mississippi', 'Äpfel-Birnen']) {
      assert.equal(strengthWindow(password), password);
    }
  });

  it('never hands more than STRENGTH_WINDOW code points to the estimator, whatever the input', () => {
    for (const password of [...adversarial, 'x'.repeat(4096), '🙂'.repeat(2048)]) {
      const window = strengthWindow(password);
      assert.ok(codePoints(window) <= STRENGTH_WINDOW, `${codePoints(window)} code points for ${password.slice(0, 12)}…`);
      assert.ok(password.startsWith(window) || codePoints(window) < codePoints(password));
    }
  });

  it('counts a repeated unit once: thrice for any unit, twice for units of four or more', () => {
    assert.equal(strengthWindow('Password1'.repeat(30)), 'Password1');
    assert.equal(strengthWindow('aaaabbbbccccdddd'), 'abcd');
    assert.equal(strengthWindow('Summer2024!Xy'.repeat(2)), 'Summer2024!Xy');
    assert.equal(strengthWindow(`X${'19.05.1987'.repeat(30)}!`), 'X19.05.1987!');
    assert.equal(strengthWindow('ab'.repeat(2)), 'abab');
  });

  it('scores what lies beyond the window as nothing: appended text never changes the score', () => {
    const head = 'correct-horse-battery-st';
    assert.equal(codePoints(head), STRENGTH_WINDOW);
    const base = estimateStrength(head, [], 'en').score;
    for (const tail of ['aple', '9'.repeat(200), 'Zq8#mW2$kP5@vN7!', head]) {
      assert.equal(estimateStrength(head + tail, [], 'en').score, base);
    }
  });
});

describe('padding cannot make a weak password strong', () => {
  const weakParts = ['Password1', 'P@ssw0rd', 'qwerty', '123456', 'iloveyou', '19.05.1987', 'u0001', 'abc', 'Admin123!'];

  for (const part of weakParts) {
    it(`"${part}" repeated 2…60 times scores no higher than once and is refused`, () => {
      const alone = estimateStrength(part, ['u0001'], 'en').score;
      for (let copies = 2; copies <= 60; copies++) {
        const verdict = evaluatePasswordSync(part.repeat(copies), user, settings, { index });
        assert.ok(verdict.score <= alone, `${part} × ${copies}: score ${verdict.score} above ${alone}`);
        assert.equal(verdict.accepted, false, `${part} × ${copies} accepted`);
      }
    });
  }

  it('a weak password padded with one repeated character stays too weak', () => {
    for (const pad of ['!', '1', 'a', ' ', '.']) {
      for (const length of [30, 64, 256, 1024]) {
        const verdict = evaluatePasswordSync('Password1'.padEnd(length, pad), user, settings, { index });
        assert.equal(verdict.accepted, false, `Password1 padded with ${JSON.stringify(pad)} to ${length}`);
      }
    }
  });

  it('leetspeak is read as the word it spells', () => {
    assert.ok(estimateStrength('P4$$w0rd', [], 'en').score <= 1);
    assert.ok(estimateStrength('W3lc0me!', [], 'en').score < 2);
  });

  it('adversarial long inputs get a verdict decided by their window alone', () => {
    for (const password of adversarial) {
      assert.equal(estimateStrength(password, ['u0001'], 'en').score, estimateStrength(strengthWindow(password), ['u0001'], 'en').score);
    }
  });
});
