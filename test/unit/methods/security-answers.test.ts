import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { codePointLength, normaliseAnswer } from '../../../src/methods/questions/answer-normalisation.js';
import { validateAnswers, type QuestionAnswer } from '../../../src/methods/questions/answer-validation.js';
import { hashAnswers, verifyAnswers } from '../../../src/methods/questions/answer-hashing.js';
import { PREDEFINED_QUESTIONS } from '../../../src/methods/questions/question-catalogue.js';

const ids = PREDEFINED_QUESTIONS.map((q) => q.id);
const [q1, q2, q3, q4, q5, q6] = ids as [string, string, string, string, string, string];

describe('normaliseAnswer', () => {
  const cases: [string, string][] = [
    ['  Rex  ', 'rex'],
    ['REX', 'rex'],
    ['Rex.', 'rex'],
    ['"Rex"!', 'rex'],
    ['« Bello »', 'bello'],
    ['St.   Pauli', 'st. pauli'],
    ['O’Brien', "o'brien"],
    ['Straße', 'strasse'],
    ['STRASSE', 'strasse'],
    ['STRAẞE', 'strasse'],
    ['ＲＥＸ', 'rex'],
    ['ﬁdo', 'fido'],
    ['Re\u200Bx', 'rex'],
    ['Jean\u2013Luc', 'jean-luc'],
    ['tab\tand\nnewline', 'tab and newline'],
    ['C#', 'c#'],
    ['C++', 'c++'],
    ['Müller', 'müller'],
    ['Mu\u0308ller', 'müller'],
    ['¿Qué?', 'qué'],
    ['...', ''],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => assert.equal(normaliseAnswer(input), expected));
  }
  it('keeps diacritics apart', () => assert.notEqual(normaliseAnswer('Müller'), normaliseAnswer('Muller')));
  it('does not depend on the Turkish locale (I → i, not ı)', () => assert.equal(normaliseAnswer('ISTANBUL'), 'istanbul'));
  it('is idempotent (property, full Unicode)', () => {
    const idempotent = (s: string) => normaliseAnswer(normaliseAnswer(s)) === normaliseAnswer(s);
    fc.assert(fc.property(fc.string({ unit: 'binary' }), idempotent), { numRuns: 5000 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), idempotent), { numRuns: 5000 });
  });
  it('never leaves edge whitespace or whitespace runs (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const n = normaliseAnswer(s);
        return n === n.trim() && !/\s{2}|[\t\n\r]/u.test(n);
      }),
      { numRuns: 3000 },
    );
  });
  it('ignores case and surrounding space for ASCII answers (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), fc.nat(3), fc.nat(3), (s, before, after) => {
        const variant = ' '.repeat(before) + s.toUpperCase() + ' '.repeat(after);
        return normaliseAnswer(variant) === normaliseAnswer(s.toLowerCase());
      }),
    );
  });
  it('counts code points, not UTF-16 units', () => {
    assert.equal(codePointLength('😀😀😀'), 3);
    assert.equal(codePointLength(''), 0);
  });
});

describe('validateAnswers', () => {
  const valid: QuestionAnswer[] = [
    { questionId: q1, answer: 'Rex' },
    { questionId: q2, answer: 'Anna' },
    { questionId: q3, answer: 'Teddy Bear' },
  ];
  const problemsOf = (answers: QuestionAnswer[], options = {}) => {
    const result = validateAnswers(answers, options);
    return result.ok ? [] : result.problems;
  };

  it('accepts 3 to 5 distinct, sufficiently long answers', () => {
    assert.deepEqual(validateAnswers(valid), { ok: true });
    assert.deepEqual(validateAnswers([...valid, { questionId: q4, answer: 'Bunny' }, { questionId: q5, answer: 'VW Golf' }]), {
      ok: true,
    });
  });
  it('refuses fewer than min and more than max answers', () => {
    assert.deepEqual(problemsOf(valid.slice(0, 2)), [{ code: 'too-few', min: 3 }]);
    const six = [...valid, ...[q4, q5, q6].map((questionId, i) => ({ questionId, answer: `answer ${i}` }))];
    assert.deepEqual(problemsOf(six), [{ code: 'too-many', max: 5 }]);
    assert.deepEqual(problemsOf(valid.slice(0, 1), { min: 1, max: 1 }), []);
    assert.deepEqual(problemsOf(valid, { min: 1, max: 2 }), [{ code: 'too-many', max: 2 }]);
  });
  it('refuses unknown and repeated questions', () => {
    assert.deepEqual(problemsOf([...valid, { questionId: 'no-such-question', answer: 'whatever' }]), [
      { code: 'unknown-question', questionId: 'no-such-question' },
    ]);
    assert.deepEqual(problemsOf([...valid, { questionId: q1, answer: 'Another' }]), [{ code: 'repeated-question', questionId: q1 }]);
  });
  it('limits the questions to `questionIds` when given', () => {
    assert.deepEqual(problemsOf(valid, { questionIds: [q1, q2] }), [{ code: 'unknown-question', questionId: q3 }]);
  });
  it('accepts custom questions and checks their text', () => {
    const questions = [{ id: 'office-plant', en: 'What was your first office plant?', de: 'Wie hieß Ihre erste Büropflanze?' }];
    const answers = [{ questionId: 'office-plant', answer: 'Ficus' }];
    assert.deepEqual(validateAnswers(answers, { min: 1, questions }), { ok: true });
    assert.deepEqual(problemsOf([{ questionId: 'office-plant', answer: 'wie hieß ihre erste büropflanze' }], { min: 1, questions }), [
      { code: 'answer-repeats-question', questionId: 'office-plant' },
    ]);
  });
  it('enforces 3–40 characters after normalisation, in code points', () => {
    assert.deepEqual(problemsOf([...valid.slice(0, 2), { questionId: q3, answer: '  a b ' }]), []);
    assert.deepEqual(problemsOf([...valid.slice(0, 2), { questionId: q3, answer: ' Ab. ' }]), [
      { code: 'answer-too-short', questionId: q3, min: 3 },
    ]);
    assert.deepEqual(problemsOf([...valid.slice(0, 2), { questionId: q3, answer: '😀'.repeat(40) }]), []);
    assert.deepEqual(problemsOf([...valid.slice(0, 2), { questionId: q3, answer: 'x'.repeat(41) }]), [
      { code: 'answer-too-long', questionId: q3, max: 40 },
    ]);
    assert.deepEqual(problemsOf([...valid.slice(0, 2), { questionId: q3, answer: `  ${'x'.repeat(40)}.  ` }]), []);
  });
  it('refuses the same answer to two questions, after normalisation', () => {
    assert.deepEqual(problemsOf([...valid.slice(0, 2), { questionId: q3, answer: ' REX. ' }]), [
      { code: 'duplicate-answer', questionId: q3, sameAs: q1 },
    ]);
  });
  it('refuses an answer that repeats the question, in English or German', () => {
    const first = PREDEFINED_QUESTIONS[0]!;
    for (const copied of [first.en, first.de.toUpperCase()]) {
      const answers = [{ questionId: first.id, answer: copied }, ...valid.slice(1)];
      assert.deepEqual(problemsOf(answers), [{ code: 'answer-repeats-question', questionId: first.id }], copied);
    }
  });
  it('reports all problems at once', () => {
    const codes = problemsOf([
      { questionId: q1, answer: 'ab' },
      { questionId: q1, answer: 'Rex' },
      { questionId: 'nope', answer: 'Rex' },
    ]).map((p) => p.code);
    assert.deepEqual(codes, ['answer-too-short', 'repeated-question', 'unknown-question']);
    assert.deepEqual(problemsOf([]), [{ code: 'too-few', min: 3 }]);
  });
  it('throws on impossible limits', () => {
    assert.throws(() => validateAnswers(valid, { min: 0 }), RangeError);
    assert.throws(() => validateAnswers(valid, { min: 4, max: 3 }), RangeError);
    assert.throws(() => validateAnswers(valid, { min: 2.5 }), RangeError);
  });
});

describe('hashAnswers and verifyAnswers (Argon2id)', () => {
  const registered: QuestionAnswer[] = [
    { questionId: q1, answer: 'Rex' },
    { questionId: q2, answer: "O'Brien" },
    { questionId: q3, answer: 'Teddy Bear' },
  ];
  const stored = hashAnswers(registered);

  it('stores Argon2id hashes with fresh salts, never the answer', async () => {
    const hashes = await stored;
    assert.deepEqual(hashes.map((h) => h.questionId), [q1, q2, q3]);
    for (const { hash } of hashes) {
      // Nothing but the parameters, a 16-byte salt and a 32-byte digest (base64): no room for the answer. (A search
      // for the answer's letters would fail by chance, as random base64 can spell "rex".)
      assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    }
    const again = await hashAnswers(registered.slice(0, 1));
    assert.notEqual(again[0]?.hash, hashes[0]?.hash);
  });
  it('accepts the answers in another spelling of the same normalised form', async () => {
    const result = await verifyAnswers(await stored, [
      { questionId: q1, answer: '  REX. ' },
      { questionId: q2, answer: 'o’brien' },
      { questionId: q3, answer: 'teddy   bear' },
    ]);
    assert.deepEqual(result, { ok: true, wrong: [] });
  });
  it('names the wrongly answered questions', async () => {
    const result = await verifyAnswers(await stored, [
      { questionId: q1, answer: 'Rex' },
      { questionId: q2, answer: 'Obrien' },
      { questionId: q3, answer: 'Teddy' },
    ]);
    assert.deepEqual(result, { ok: false, wrong: [q2, q3] });
  });
  it('counts answers to unregistered or repeated questions as wrong', async () => {
    assert.deepEqual(await verifyAnswers(await stored, [{ questionId: q4, answer: 'Rex' }]), { ok: false, wrong: [q4] });
    assert.deepEqual(
      await verifyAnswers(await stored, [
        { questionId: q1, answer: 'Rex' },
        { questionId: q1, answer: 'Rex' },
      ]),
      { ok: false, wrong: [q1] },
    );
  });
  it('counts asked but unanswered questions as wrong, and nothing given as failure', async () => {
    assert.deepEqual(await verifyAnswers(await stored, [{ questionId: q1, answer: 'Rex' }], [q1, q2]), { ok: false, wrong: [q2] });
    assert.deepEqual(await verifyAnswers(await stored, []), { ok: false, wrong: [] });
  });
});
