import { codePointLength, normaliseAnswer } from './answer-normalisation.js';
import { languages } from '../../i18n/lang.js';
import { PREDEFINED_QUESTIONS, type SecurityQuestion } from './predefined-questions.js';

/** Registration limits (Entra SSPR: 3–5 questions, answers 3–40 characters). */
export const ANSWER_LIMITS = { minQuestions: 3, maxQuestions: 5, minLength: 3, maxLength: 40 } as const;

export interface QuestionAnswer {
  questionId: string;
  answer: string;
}

export interface AnswerValidationOptions {
  /** Fewest answers accepted; default 3. */
  min?: number;
  /** Most answers accepted; default 5. */
  max?: number;
  /** The ids the user may answer; default: every id in `questions`. */
  questionIds?: readonly string[];
  /** Where question texts are looked up (for 'answer-repeats-question'); default: the predefined questions. */
  questions?: readonly SecurityQuestion[];
}

/** Why a set of answers was refused; stable codes for the message catalogue. */
export type AnswerProblem =
  | { code: 'too-few'; min: number }
  | { code: 'too-many'; max: number }
  | { code: 'unknown-question'; questionId: string }
  | { code: 'repeated-question'; questionId: string }
  | { code: 'answer-too-short'; questionId: string; min: number }
  | { code: 'answer-too-long'; questionId: string; max: number }
  /** `questionId` repeats the answer already given to `sameAs`. */
  | { code: 'duplicate-answer'; questionId: string; sameAs: string }
  | { code: 'answer-repeats-question'; questionId: string };

export type AnswerValidation = { ok: true } | { ok: false; problems: AnswerProblem[] };

/**
 * Checks the answers a user registers, all on their normalised form (`normaliseAnswer`), lengths in code
 * points: between `min` and `max` answers, each to a distinct allowed question, each 3–40 characters, no
 * answer given twice (one guess must not open two questions), and no answer that merely repeats its
 * question's text in any language. Every problem is reported, not only the first; a repeated or unknown
 * question is reported once and its answer not checked further.
 */
export function validateAnswers(
  answers: readonly QuestionAnswer[],
  options: AnswerValidationOptions = {},
): AnswerValidation {
  const min = options.min ?? ANSWER_LIMITS.minQuestions;
  const max = options.max ?? ANSWER_LIMITS.maxQuestions;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
    throw new RangeError(`invalid answer count limits: min ${min}, max ${max}`);
  }
  const questions = options.questions ?? PREDEFINED_QUESTIONS;
  const questionById = new Map(questions.map((question) => [question.id, question]));
  const allowedIds = new Set(options.questionIds ?? questionById.keys());

  const problems: AnswerProblem[] = [];
  if (answers.length < min) problems.push({ code: 'too-few', min });
  if (answers.length > max) problems.push({ code: 'too-many', max });

  const answeredIds = new Set<string>();
  const questionIdByAnswer = new Map<string, string>();
  for (const { questionId, answer } of answers) {
    if (answeredIds.has(questionId)) {
      problems.push({ code: 'repeated-question', questionId });
      continue;
    }
    answeredIds.add(questionId);
    if (!allowedIds.has(questionId)) {
      problems.push({ code: 'unknown-question', questionId });
      continue;
    }

    const normalised = normaliseAnswer(answer);
    const length = codePointLength(normalised);
    if (length < ANSWER_LIMITS.minLength) {
      problems.push({ code: 'answer-too-short', questionId, min: ANSWER_LIMITS.minLength });
    } else if (length > ANSWER_LIMITS.maxLength) {
      problems.push({ code: 'answer-too-long', questionId, max: ANSWER_LIMITS.maxLength });
    }

    const sameAs = questionIdByAnswer.get(normalised);
    if (sameAs !== undefined) problems.push({ code: 'duplicate-answer', questionId, sameAs });
    else questionIdByAnswer.set(normalised, questionId);

    const question = questionById.get(questionId);
    if (question && repeatsQuestion(normalised, question)) {
      problems.push({ code: 'answer-repeats-question', questionId });
    }
  }

  return problems.length > 0 ? { ok: false, problems } : { ok: true };
}

function repeatsQuestion(normalisedAnswer: string, question: SecurityQuestion): boolean {
  return languages.map((lang) => question[lang]).some((text) => text !== undefined && normaliseAnswer(text) === normalisedAnswer);
}
