import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SUBSTITUTIONS, codePointLength, normalizePassword } from '../../../src/password-policy/normalize.js';

describe('normalizePassword', () => {
  it('applies the substitutions Entra documents (0→o, 1→l, $→s, @→a) and lower-cases', () => {
    assert.equal(normalizePassword('Bl@nK'), 'blank');
    assert.equal(normalizePassword('P$SSW0RD1'), 'pssswordl');
    assert.equal(normalizePassword('C0ntos0Blank12'), 'contosoblankl2');
  });

  it('applies the additional substitutions', () => {
    assert.equal(normalizePassword('3457!|+€£'), 'eastiltel');
    assert.equal(normalizePassword('P4ssw0rd!'), 'passwordi');
    assert.equal(normalizePassword('S0mm3r'), 'sommer');
  });

  it('leaves 2, 6, 8, 9 and ß alone', () => {
    assert.equal(normalizePassword('2689ß'), '2689ß');
  });

  it('composes to NFC, so precomposed and decomposed input agree', () => {
    assert.equal(normalizePassword('Gru\u0308n'), normalizePassword('Grün'));
    assert.equal(normalizePassword('Gru\u0308n'), 'grün');
  });

  it('counts length in code points after NFC', () => {
    assert.equal(codePointLength('Gru\u0308n'), 4);
    assert.equal(codePointLength('🔐🔐'), 2);
    assert.equal(codePointLength(''), 0);
  });

  it('every substitution target is a lower-case letter that is not itself substituted', () => {
    for (const target of Object.values(SUBSTITUTIONS)) {
      assert.match(target, /^[a-z]$/);
      assert.equal(SUBSTITUTIONS[target], undefined);
    }
  });

  it('is idempotent on arbitrary Unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const once = normalizePassword(text);
        assert.equal(normalizePassword(once), once);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the code-point length of printable ASCII (single-character substitutions only)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 60 }), (text) => {
        assert.equal(codePointLength(normalizePassword(text)), codePointLength(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('never contains upper-case ASCII or a substituted character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const normalized = normalizePassword(text);
        assert.doesNotMatch(normalized, /[A-Z013457$@!|+€£]/);
      }),
      { numRuns: 1000 },
    );
  });

  it('commutes with concatenation for ASCII (so substring checks survive normalisation)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), fc.string({ unit: 'binary-ascii' }), (a, b) => {
        assert.equal(normalizePassword(a + b), normalizePassword(a) + normalizePassword(b));
      }),
    );
  });
});
