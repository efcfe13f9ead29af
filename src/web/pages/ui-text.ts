import { domainText, messages, type DomainText, type Under } from '../../i18n/messages.js';

/** The keys of the page texts (messages/<lang>/pages.json), without their `pages.` prefix. */
export type TextKey = Under<'pages.'>;

/** A page text in the reader's language. */
export const t: DomainText<'pages'> = domainText('pages');

export const uiTextKeys: TextKey[] = messages.keys('pages.');
