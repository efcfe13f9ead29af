import { z } from 'zod';
import { SsprError } from '../errors/sspr-error.js';
import { message } from '../i18n/messages.js';
import type { Lang } from '../i18n/lang.js';
import { PREDEFINED_QUESTIONS, validateCustomQuestions, type CustomQuestionInput, type CustomQuestionProblem } from '../methods/questions/question-catalogue.js';

/** Entries shaped like questions (texts of any length): the catalogue's rules judge them before the schema's bounds. */
const questionShapes = z.array(z.object({ en: z.string() }).catchall(z.string())).max(1000);

/** A language by its own name ("Deutsch"), the same in every sentence. */
const nameOf = (lang: Lang): string => message(lang, 'pages.lang.name');

/** The catalogue parameters of one problem: which rule, the question's number (1-based), its language's own name, the limit, the text it repeats. */
function paramsOf(list: readonly CustomQuestionInput[], problem: CustomQuestionProblem) {
  const number = 'index' in problem ? problem.index + 1 : 0;
  switch (problem.code) {
    case 'too-many-questions':
      return { problem: 'tooMany', number, language: '', limit: problem.max, sameAs: '' } as const;
    case 'question-too-short':
      return { problem: 'tooShort', number, language: nameOf(problem.lang), limit: problem.min, sameAs: '' } as const;
    case 'question-too-long':
      return { problem: 'tooLong', number, language: nameOf(problem.lang), limit: problem.max, sameAs: '' } as const;
    case 'duplicate-question': {
      const same = [...PREDEFINED_QUESTIONS, ...list].find((q) => q.id === problem.sameAs);
      return { problem: 'duplicate', number, language: nameOf(problem.lang), limit: 0, sameAs: same?.[problem.lang] ?? problem.sameAs } as const;
    }
    case 'invalid-id':
      return { problem: 'invalidId', number, language: '', limit: 0, sameAs: '' } as const;
    case 'duplicate-id':
      return { problem: 'duplicateId', number, language: '', limit: 0, sameAs: problem.id } as const;
  }
}

/**
 * 400 `custom-question-invalid`: the sentence names the first problem; `details.problems` holds every problem as
 * catalogue parameters (a page renders each with the same sentence); `detail` lists the problem codes.
 */
export function customQuestionsError(list: readonly CustomQuestionInput[], problems: readonly CustomQuestionProblem[]): SsprError<'custom-question-invalid'> {
  const all = problems.map((p) => paramsOf(list, p));
  return new SsprError('custom-question-invalid', { params: all[0] ?? paramsOf(list, { code: 'too-many-questions', max: 0 }), details: { problems: all }, detail: `customQuestions: ${problems.map((p) => p.code).join(', ')}` });
}

/** Throws `customQuestionsError` when `value` is a list of questions the catalogue refuses; other shapes are left to the schema. */
export function checkCustomQuestions(value: unknown): void {
  const shaped = questionShapes.safeParse(value);
  if (!shaped.success) return;
  const result = validateCustomQuestions(shaped.data as CustomQuestionInput[]);
  if (!result.ok) throw customQuestionsError(shaped.data as CustomQuestionInput[], result.problems);
}
