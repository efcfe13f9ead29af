import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  REASON_CODES,
  formatReason,
  formatViolation,
  publicReason,
  type Language,
  type RuleViolation,
} from '../../../src/password-policy/messages.js';

const examples: RuleViolation[] = [
  { code: 'too-short', params: { min: 8, actual: 6 } },
  { code: 'too-long', params: { max: 256, actual: 300 } },
  { code: 'not-complex', params: { classes: 2, required: 3 } },
  { code: 'contains-username', params: { username: 'jdoe' } },
  { code: 'contains-display-name', params: { part: 'Doe' } },
  { code: 'contains-personal-name', params: { name: 'Contoso' } },
  { code: 'banned-term', params: { terms: ['contoso', 'blank', 'blank'], points: 4, required: 5 } },
  { code: 'common-password', params: {} },
  { code: 'breached', params: {} },
  { code: 'in-history', params: {} },
  { code: 'too-weak', params: { score: 0, required: 1, warning: 'simpleRepeat' } },
];

describe('messages', () => {
  it('covers every reason code in both languages', () => {
    assert.deepEqual(examples.map((example) => example.code).sort(), [...REASON_CODES].sort());
    for (const lang of ['en', 'de'] as Language[]) {
      const texts = examples.map((example) => formatViolation(example, lang));
      assert.equal(new Set(texts).size, texts.length, 'distinct messages');
      for (const text of texts) assert.match(text, /^[A-ZÄÖÜ].{20,}[.)]$/su);
    }
  });

  it('says why, with the numbers', () => {
    assert.equal(formatReason('too-short', 'en', { min: 8, actual: 6 }), 'Use at least 8 characters; this one has 6.');
    assert.equal(formatReason('too-short', 'de', { min: 8, actual: 6 }), 'Verwenden Sie mindestens 8 Zeichen; dieses hat 6.');
  });

  it('never repeats a name or term found in the password, nor a score', () => {
    for (const lang of ['en', 'de', 'ja', 'pl'] as Language[]) {
      for (const example of examples) {
        const reason = publicReason(example, lang);
        const shown = JSON.stringify(reason);
        for (const secret of ['jdoe', 'Doe', 'Contoso', 'contoso', 'blank']) assert.ok(!shown.includes(secret), `${lang} ${example.code}: ${shown}`);
        assert.equal(reason.key, `password-policy.${example.code}`);
      }
      const weak = publicReason({ code: 'too-weak', params: { score: 0, required: 1, warning: 'simpleRepeat' } }, lang);
      assert.deepEqual(weak.params, { warning: 'simpleRepeat' });
    }
  });

  it('explains a weak password with the translated zxcvbn warning', () => {
    const weak: RuleViolation = { code: 'too-weak', params: { score: 0, required: 1, warning: 'simpleRepeat' } };
    assert.match(formatViolation(weak, 'en'), /Repeated characters like "aaa" are easy to guess\./);
    assert.match(formatViolation(weak, 'de'), /Wiederholte Zeichen wie "aaa" sind leicht zu erraten\./);
  });
});
