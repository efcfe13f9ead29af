import { languages, type Lang } from '../../i18n/lang.js';
import { message } from '../../i18n/messages.js';

/**
 * A security question: its text per language, English required; a custom question without a text in some
 * language is shown in English there (see `questionText`). `id` is stable: stored answers refer to it, so it
 * never changes once published.
 */
export type SecurityQuestion = { id: string; en: string } & { [L in Exclude<Lang, 'en'>]?: string };

/**
 * The predefined questions. Chosen for answers that are stable over a lifetime, memorable after years,
 * not findable in public records or social media, and not a single word from a tiny set. Deliberately absent:
 * mother's maiden name, place of birth, date of birth, school name (public records and genealogy sites),
 * favourite colour / food / film (few likely answers, and they change).
 * Ids are kebab-case and never reused for a different question.
 */
export const PREDEFINED_QUESTION_IDS = [
  'first-pet-name',
  'childhood-best-friend',
  'first-stuffed-toy',
  'childhood-nickname',
  'first-teacher-surname',
  'first-car-model',
  'first-concert',
  'parents-meeting-town',
  'first-cinema-film',
  'first-dish-cooked',
  'childhood-hero',
  'first-holiday-alone',
  'childhood-book',
  'grandparents-street',
] as const;

/** The predefined questions with their text in every language (messages/<lang>/questions.json). */
export const PREDEFINED_QUESTIONS: readonly Required<SecurityQuestion>[] = PREDEFINED_QUESTION_IDS.map(
  (id) => ({ id, ...Object.fromEntries(languages.map((lang) => [lang, message(lang, `questions.${id}`)])) }) as Required<SecurityQuestion>,
);

/** The question's text in `lang`, falling back to English where a custom question has no text in that language. */
export function questionText(question: SecurityQuestion, lang: Lang): string {
  return question[lang] ?? question.en;
}
