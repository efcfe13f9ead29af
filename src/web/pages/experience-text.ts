import type { Lang } from '../../i18n/lang.js';
import { message, type ParamsArg, type Under } from '../../i18n/messages.js';

/** The keys of messages/<lang>/experience.json (password rules, reset steps, language switch), without the prefix. */
export type ExperienceKey = Under<'experience.'>;

/** An experience text in the reader's language. */
export function x<K extends ExperienceKey>(lang: Lang, key: K, ...params: ParamsArg<`experience.${K}`>): string {
  return message(lang, `experience.${key}`, ...params);
}
