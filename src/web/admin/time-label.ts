import type { Lang } from '../../i18n/lang.js';

/** An instant (milliseconds since the epoch) as the console shows it: date and time in the reader's language, in UTC, zone named. */
export function timeLabel(at: number, lang: Lang): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }).format(new Date(at)) + ' UTC';
}
