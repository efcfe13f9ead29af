import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CUSTOM_QUESTION_LIMITS,
  PREDEFINED_QUESTIONS,
  questionText,
  validateCustomQuestions,
} from '../../../src/methods/questions/question-catalogue.js';
import { languages } from '../../../src/i18n/lang.js';
import { normaliseAnswer } from '../../../src/methods/questions/answer-normalisation.js';

describe('predefined questions', () => {
  it('offers at least 12 questions with unique kebab-case ids', () => {
    assert.ok(PREDEFINED_QUESTIONS.length >= 12);
    const ids = PREDEFINED_QUESTIONS.map((q) => q.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
  it('has a text in every language for each, within 3–200 characters, all distinct', () => {
    for (const lang of languages) {
      const texts = PREDEFINED_QUESTIONS.map((q) => q[lang]);
      for (const text of texts) assert.ok(text.length >= 3 && text.length <= 200, text);
      for (const text of texts) assert.match(text, /[?？]$/);
      assert.equal(new Set(texts.map(normaliseAnswer)).size, texts.length);
    }
  });
  it('passes its own custom-question rules (apart from colliding with itself)', () => {
    const result = validateCustomQuestions(PREDEFINED_QUESTIONS.map((q) => ({ id: `x-${q.id}`, en: `${q.en} (again)`, de: q.de })));
    assert.equal(result.ok, false);
    if (!result.ok) assert.ok(result.problems.every((p) => p.code === 'duplicate-question' && p.lang === 'de'));
  });
  it('avoids publicly findable facts', () => {
    for (const q of PREDEFINED_QUESTIONS) {
      assert.doesNotMatch(q.en, /maiden|born|birth|mother's|social security/i, q.en);
      assert.doesNotMatch(q.de, /geboren|Geburt|Mädchenname/i, q.de);
    }
  });
  it('includes the canonical first-pet question', () => {
    const pet = PREDEFINED_QUESTIONS.find((q) => q.id === 'first-pet-name');
    assert.equal(pet?.en, 'What was the name of your first pet?');
    assert.equal(pet?.de, 'Wie hieß Ihr erstes Haustier?');
  });
  it('picks the text by language, falling back to English', () => {
    assert.equal(questionText({ id: 'a', en: 'English?', de: 'Deutsch?' }, 'de'), 'Deutsch?');
    assert.equal(questionText({ id: 'a', en: 'English?' }, 'de'), 'English?');
    assert.equal(questionText({ id: 'a', en: 'English?', de: 'Deutsch?' }, 'en'), 'English?');
  });
});

describe('validateCustomQuestions', () => {
  it('accepts valid questions, cleans their whitespace and keeps given ids', () => {
    const result = validateCustomQuestions([
      { id: 'office-plant', en: '  What was the name of   your first office plant? ', de: 'Wie hieß Ihre erste Büropflanze?' },
      { en: 'Which was your first employee number?' },
    ]);
    assert.equal(result.ok, true);
    if (!result.ok) return;
    assert.deepEqual(result.questions[0], {
      id: 'office-plant',
      en: 'What was the name of your first office plant?',
      de: 'Wie hieß Ihre erste Büropflanze?',
    });
    assert.equal(result.questions[1]?.de, undefined);
    assert.match(result.questions[1]?.id ?? '', /^custom-[0-9a-f]{16}$/);
  });
  it('derives the same id for the same text (modulo case and spacing), another for another text', () => {
    const idOf = (en: string) => {
      const result = validateCustomQuestions([{ en }]);
      assert.ok(result.ok);
      return result.questions[0]?.id;
    };
    assert.equal(idOf('Which was your first employee number?'), idOf('  which WAS your first   employee number '));
    assert.notEqual(idOf('Which was your first employee number?'), idOf('Which was your second employee number?'));
  });
  it('enforces 3–200 characters per text, counted in code points', () => {
    const { minLength, maxLength } = CUSTOM_QUESTION_LIMITS;
    assert.equal(validateCustomQuestions([{ en: 'abc' }]).ok, true);
    assert.equal(validateCustomQuestions([{ en: '😀'.repeat(maxLength) }]).ok, true);
    assert.deepEqual(validateCustomQuestions([{ en: ' ab ' }]), {
      ok: false,
      problems: [{ code: 'question-too-short', index: 0, lang: 'en', min: minLength }],
    });
    assert.deepEqual(validateCustomQuestions([{ en: 'x'.repeat(maxLength + 1) }]), {
      ok: false,
      problems: [{ code: 'question-too-long', index: 0, lang: 'en', max: maxLength }],
    });
    assert.deepEqual(validateCustomQuestions([{ en: 'Fine question?', de: 'ja' }]), {
      ok: false,
      problems: [{ code: 'question-too-short', index: 0, lang: 'de', min: minLength }],
    });
  });
  it('allows up to 20 questions', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => ({ en: `Custom question number ${i}?` }));
    assert.equal(validateCustomQuestions(list(20)).ok, true);
    assert.deepEqual(validateCustomQuestions(list(21)), { ok: false, problems: [{ code: 'too-many-questions', max: 20 }] });
  });
  it('rejects duplicates regardless of case, whitespace and trailing question mark', () => {
    const result = validateCustomQuestions([
      { id: 'one', en: 'What was your first office plant?' },
      { id: 'two', en: '  what WAS your first   office plant ' },
    ]);
    assert.deepEqual(result, { ok: false, problems: [{ code: 'duplicate-question', index: 1, lang: 'en', sameAs: 'one' }] });
  });
  it('rejects a custom question that duplicates a predefined one, in either language', () => {
    assert.deepEqual(validateCustomQuestions([{ id: 'mine', en: 'WHAT WAS THE NAME OF YOUR FIRST PET' }]), {
      ok: false,
      problems: [{ code: 'duplicate-question', index: 0, lang: 'en', sameAs: 'first-pet-name' }],
    });
    assert.deepEqual(validateCustomQuestions([{ id: 'mine', en: 'Something new?', de: 'wie hieß ihr erstes haustier' }]), {
      ok: false,
      problems: [{ code: 'duplicate-question', index: 0, lang: 'de', sameAs: 'first-pet-name' }],
    });
  });
  it('rejects malformed ids and ids already taken', () => {
    assert.deepEqual(validateCustomQuestions([{ id: 'Not OK', en: 'Some question?' }]), {
      ok: false,
      problems: [{ code: 'invalid-id', index: 0 }],
    });
    assert.deepEqual(validateCustomQuestions([{ id: 'first-pet-name', en: 'Some question?' }]), {
      ok: false,
      problems: [{ code: 'duplicate-id', index: 0, id: 'first-pet-name' }],
    });
    assert.deepEqual(
      validateCustomQuestions([
        { id: 'same', en: 'Some question?' },
        { id: 'same', en: 'Another question?' },
      ]),
      { ok: false, problems: [{ code: 'duplicate-id', index: 1, id: 'same' }] },
    );
  });
  it('reports every problem at once', () => {
    const result = validateCustomQuestions([
      { id: '-', en: 'x' },
      { id: '-', en: 'x' },
    ]);
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.deepEqual(result.problems.map((p) => p.code).sort(), [
        'duplicate-id',
        'duplicate-question',
        'invalid-id',
        'invalid-id',
        'question-too-short',
        'question-too-short',
      ]);
    }
  });
});
