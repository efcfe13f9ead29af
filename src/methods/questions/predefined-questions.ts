import type { Lang } from '../../i18n/lang.js';

/** A security question. `id` is stable: stored answers refer to it, so it never changes once published. */
export interface SecurityQuestion {
  id: string;
  en: string;
  /** German text; a custom question without one is shown in English (see `questionText`). */
  de?: string;
}

/**
 * The predefined questions. Chosen for answers that are stable over a lifetime, memorable after years,
 * not findable in public records or social media, and not a single word from a tiny set. Deliberately absent:
 * mother's maiden name, place of birth, date of birth, school name (public records and genealogy sites),
 * favourite colour / food / film (few likely answers, and they change).
 * Ids are kebab-case and never reused for a different question.
 */
export const PREDEFINED_QUESTIONS: readonly Required<SecurityQuestion>[] = [
  {
    id: 'first-pet-name',
    en: 'What was the name of your first pet?',
    de: 'Wie hieß Ihr erstes Haustier?',
  },
  {
    id: 'childhood-best-friend',
    en: 'What was the first name of your best friend in childhood?',
    de: 'Wie lautete der Vorname Ihrer besten Freundin oder Ihres besten Freundes in der Kindheit?',
  },
  {
    id: 'first-stuffed-toy',
    en: 'What was the name of your first stuffed animal or toy?',
    de: 'Wie hieß Ihr erstes Kuscheltier oder Spielzeug?',
  },
  {
    id: 'childhood-nickname',
    en: 'What was your nickname as a child?',
    de: 'Welchen Spitznamen hatten Sie als Kind?',
  },
  {
    id: 'first-teacher-surname',
    en: 'What was the surname of your first teacher?',
    de: 'Wie lautete der Nachname Ihrer ersten Lehrerin oder Ihres ersten Lehrers?',
  },
  {
    id: 'first-car-model',
    en: 'What was the make and model of your first car?',
    de: 'Welche Marke und welches Modell hatte Ihr erstes Auto?',
  },
  {
    id: 'first-concert',
    en: 'Which band or artist did you see at your first concert?',
    de: 'Welche Band oder welche Künstlerin bzw. welchen Künstler haben Sie bei Ihrem ersten Konzert gesehen?',
  },
  {
    id: 'parents-meeting-town',
    en: 'In which city or town did your parents meet?',
    de: 'In welcher Stadt oder welchem Ort haben sich Ihre Eltern kennengelernt?',
  },
  {
    id: 'first-cinema-film',
    en: 'What was the first film you saw in a cinema?',
    de: 'Welchen Film haben Sie als ersten im Kino gesehen?',
  },
  {
    id: 'first-dish-cooked',
    en: 'What was the first dish you learned to cook?',
    de: 'Welches Gericht haben Sie als erstes kochen gelernt?',
  },
  {
    id: 'childhood-hero',
    en: 'Who was your hero as a child?',
    de: 'Wer war Ihr Held oder Ihre Heldin in der Kindheit?',
  },
  {
    id: 'first-holiday-alone',
    en: 'Where did you spend your first holiday without your parents?',
    de: 'Wo haben Sie Ihren ersten Urlaub ohne Ihre Eltern verbracht?',
  },
  {
    id: 'childhood-book',
    en: 'What was the title of your favourite book as a child?',
    de: 'Wie hieß Ihr Lieblingsbuch in der Kindheit?',
  },
  {
    id: 'grandparents-street',
    en: 'On which street did your grandparents live?',
    de: 'In welcher Straße haben Ihre Großeltern gewohnt?',
  },
];

/** The question's text in `lang`, falling back to English where a custom question has no German text. */
export function questionText(question: SecurityQuestion, lang: Lang): string {
  return question[lang] ?? question.en;
}
