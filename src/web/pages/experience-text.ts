import type { Lang } from '../../i18n/lang.js';
import { domainText, type DomainText, type Under } from '../../i18n/messages.js';
import { html, type SafeHtml } from '../html.js';

/** The keys of messages/<lang>/experience.json (password rules, reset steps, language switch), without the prefix. */
export type ExperienceKey = Under<'experience.'>;

/** An experience text in the reader's language. */
export const x: DomainText<'experience'> = domainText('experience');

/** The data-text-* attributes passkey.js shows when a ceremony fails, in the reader's language. */
export function passkeyTexts(lang: Lang): SafeHtml {
  return html` data-text-cancelled="${x(lang, 'passkey.cancelled')}" data-text-exists="${x(lang, 'passkey.exists')}" data-text-error="${x(lang, 'passkey.error')}" data-text-unsupported="${x(lang, 'passkey.unsupported')}"`;
}
