import type { Lang } from '../../i18n/lang.js';
import { html, type SafeHtml } from '../html.js';

/**
 * The console's one way to show an instant: the reader's language, always in UTC and saying so, so that two pages
 * (and two operators in different places) show the same moment the same way. The service stores UTC; the audit
 * export and the API carry ISO 8601.
 */
const ZONE = 'UTC';

const dateTimeFormats = new Map<Lang, Intl.DateTimeFormat>();
const clockFormats = new Map<Lang, Intl.DateTimeFormat>();

function formatOf(cache: Map<Lang, Intl.DateTimeFormat>, lang: Lang, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let format = cache.get(lang);
  if (!format) cache.set(lang, (format = new Intl.DateTimeFormat(lang, { ...options, timeZone: ZONE })));
  return format;
}

/** An instant (milliseconds since the epoch) as date and time to the second, zone named: "7 Dec 2026, 14:05:09 UTC". */
export function timeLabel(at: number, lang: Lang): string {
  return `${formatOf(dateTimeFormats, lang, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(at))} ${ZONE}`;
}

/** The time of day alone, to the minute, zone named ("14:05 UTC"): for moments within the hour, such as a window's end. */
export function clockLabel(at: number, lang: Lang): string {
  return `${formatOf(clockFormats, lang, { hour: '2-digit', minute: '2-digit' }).format(new Date(at))} ${ZONE}`;
}

/** `timeLabel` inside a `<time>` element carrying the ISO 8601 instant (machine-readable, and a tooltip-free copy). */
export function timeHtml(at: number, lang: Lang): SafeHtml {
  return html`<time datetime="${new Date(at).toISOString()}">${timeLabel(at, lang)}</time>`;
}
