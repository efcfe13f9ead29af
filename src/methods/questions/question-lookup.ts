import type { Lang } from '../../i18n/lang.js';
import { PREDEFINED_QUESTIONS, questionText, type SecurityQuestion } from './predefined-questions.js';

/** A custom question as the policy stores it (the id is assigned when the policy is saved). */
export type PolicyQuestion = Omit<SecurityQuestion, 'id'> & { id?: string | undefined };

/** Every question a user may pick: the predefined ones and the organisation's own. */
export function availableQuestions(custom: readonly PolicyQuestion[]): SecurityQuestion[] {
  return [...PREDEFINED_QUESTIONS, ...custom.filter((q): q is SecurityQuestion => typeof q.id === 'string')];
}

/** The text of a question by id in the user's language ("?" for an id neither the catalogue nor the custom list defines). */
export function questionById(id: string, custom: readonly PolicyQuestion[], lang: Lang): string {
  const question = availableQuestions(custom).find((q) => q.id === id);
  return question ? questionText(question, lang) : '?';
}
