import type { Lang } from '../../i18n/lang.js';
import { PREDEFINED_QUESTIONS, questionText, type SecurityQuestion } from './predefined-questions.js';

/** Every question a user may pick: the predefined ones and the organisation's own. */
export function availableQuestions(custom: readonly SecurityQuestion[]): SecurityQuestion[] {
  return [...PREDEFINED_QUESTIONS, ...custom];
}

/** The text of a question by id in the user's language ("?" for an id no longer defined). */
export function questionById(id: string, custom: readonly SecurityQuestion[], lang: Lang): string {
  const question = availableQuestions(custom).find((q) => q.id === id);
  return question ? questionText(question, lang) : '?';
}
