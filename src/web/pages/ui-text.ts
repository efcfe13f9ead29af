import type { Lang } from '../../i18n/lang.js';
import { message, messages, type ParamsArg, type Under } from '../../i18n/messages.js';

/** The keys of the page texts (messages/<lang>/pages.json), without their `pages.` prefix. */
export type TextKey = Under<'pages.'>;

/** A page text in the reader's language. */
export function t<K extends TextKey>(lang: Lang, key: K, ...params: ParamsArg<`pages.${K}`>): string {
  return message(lang, `pages.${key}`, ...params);
}

export const uiTextKeys: TextKey[] = messages.keys('pages.');
