/**
 * The question catalogue: the predefined questions (predefined-questions.ts) and the rules for questions an
 * administrator adds.
 */
import { createHash } from 'node:crypto';
import { languages, type Lang } from '../../i18n/lang.js';
import { normaliseAnswer, codePointLength } from './answer-normalisation.js';
import { PREDEFINED_QUESTIONS, type SecurityQuestion } from './predefined-questions.js';

export { PREDEFINED_QUESTIONS, questionText, type SecurityQuestion } from './predefined-questions.js';

/** Limits for administrator-defined questions (Entra SSPR: 3–200 characters each, up to 20 custom questions). */
export const CUSTOM_QUESTION_LIMITS = { minLength: 3, maxLength: 200, maxCount: 20 } as const;

/** Ids: lower-case letters, digits and inner hyphens, at most 64 characters. */
const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export type CustomQuestionInput = Omit<SecurityQuestion, 'id'> & { id?: string | undefined };

/** Why a custom question list was refused. `index` is the position of the offending entry in the input list. */
export type CustomQuestionProblem =
  | { code: 'too-many-questions'; max: number }
  | { code: 'question-too-short'; index: number; lang: Lang; min: number }
  | { code: 'question-too-long'; index: number; lang: Lang; max: number }
  | { code: 'duplicate-question'; index: number; lang: Lang; sameAs: string }
  | { code: 'invalid-id'; index: number }
  | { code: 'duplicate-id'; index: number; id: string };

export type CustomQuestionValidation =
  | { ok: true; questions: SecurityQuestion[] }
  | { ok: false; problems: CustomQuestionProblem[] };

/**
 * Validates the questions an administrator defines, and returns them cleaned (NFC, trimmed, inner whitespace
 * collapsed) with ids:
 * - each text (English, and any other language given) is 3–200 code points after cleaning;
 * - at most 20 questions;
 * - no two questions — nor a custom and a predefined one — have the same text in the same language,
 *   compared by `normaliseAnswer` (case, whitespace, smart quotes and trailing "?" make no difference);
 * - ids, if given, match ID_PATTERN and are unique, also against predefined ids. Without an id, the id is
 *   `custom-` plus 16 hex digits of SHA-256 over the normalised English text: stable as long as the text is,
 *   and a reworded question gets a new id, so answers given to the old wording are not silently reused.
 * Every problem is reported, not only the first.
 */
export function validateCustomQuestions(list: readonly CustomQuestionInput[]): CustomQuestionValidation {
  const problems: CustomQuestionProblem[] = [];
  if (list.length > CUSTOM_QUESTION_LIMITS.maxCount) {
    problems.push({ code: 'too-many-questions', max: CUSTOM_QUESTION_LIMITS.maxCount });
  }

  const idsSeen = new Set<string>(PREDEFINED_QUESTIONS.map((q) => q.id));
  const textsSeen = new Map(languages.map((lang) => [lang, new Map<string, string>()]));
  for (const predefined of PREDEFINED_QUESTIONS) {
    for (const lang of languages) textsSeen.get(lang)?.set(normaliseAnswer(predefined[lang]), predefined.id);
  }

  const questions: SecurityQuestion[] = [];
  list.forEach((input, index) => {
    const texts = languages.flatMap((lang) => {
      const text = input[lang];
      return text === undefined ? [] : [[lang, cleanText(text)] as const];
    });
    const en = cleanText(input.en);
    const id = input.id ?? `custom-${createHash('sha256').update(normaliseAnswer(en)).digest('hex').slice(0, 16)}`;

    if (!ID_PATTERN.test(id)) problems.push({ code: 'invalid-id', index });
    if (idsSeen.has(id)) problems.push({ code: 'duplicate-id', index, id });
    else idsSeen.add(id);

    for (const [lang, text] of texts) {
      const length = codePointLength(text);
      if (length < CUSTOM_QUESTION_LIMITS.minLength) {
        problems.push({ code: 'question-too-short', index, lang, min: CUSTOM_QUESTION_LIMITS.minLength });
      } else if (length > CUSTOM_QUESTION_LIMITS.maxLength) {
        problems.push({ code: 'question-too-long', index, lang, max: CUSTOM_QUESTION_LIMITS.maxLength });
      }
      const key = normaliseAnswer(text);
      const seen = textsSeen.get(lang);
      const sameAs = seen?.get(key);
      if (sameAs !== undefined) problems.push({ code: 'duplicate-question', index, lang, sameAs });
      else seen?.set(key, id);
    }

    questions.push({ ...Object.fromEntries(texts), id, en } as SecurityQuestion);
  });

  return problems.length > 0 ? { ok: false, problems } : { ok: true, questions };
}

function cleanText(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/gu, ' ');
}
