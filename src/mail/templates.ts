import type { Lang } from '../i18n/lang.js';
import { message } from '../i18n/messages.js';
import type { MailMessage } from './mailer.js';

/** A point in time as mails show it: ISO date and time, UTC. */
function mailTime(at: Date): string {
  return at.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/** The one-time code mail. Holds the code and nothing that would let a reader act without it. */
export function codeMail(lang: Lang, to: string, p: { code: string; minutes: number; organisation: string }): MailMessage {
  return { to, lang, subject: message(lang, 'mail.code.subject', p), text: message(lang, 'mail.code.text', p) };
}

/**
 * The code that confirms a new address for sign-in recovery. It goes to an address a signed-in user typed, so it
 * says what it is for, that nothing happens without it, and names no account.
 */
export function enrolmentCodeMail(lang: Lang, to: string, p: { code: string; minutes: number; organisation: string }): MailMessage {
  return { to, lang, subject: message(lang, 'mail.enrolment-code.subject', p), text: message(lang, 'mail.enrolment-code.text', p) };
}

/** Tells a known user why they cannot reset (the page answered like for anyone, to avoid enumeration). */
export function refusalNoticeMail(lang: Lang, to: string, p: { organisation: string; reason: string }): MailMessage {
  return { to, lang, subject: message(lang, 'mail.refusal-notice.subject', p), text: message(lang, 'mail.refusal-notice.text', p) };
}

/** Sent to every other administrator when an administrator's password was reset (Entra's admin notice). */
export function adminResetNoticeMail(lang: Lang, to: string, p: { organisation: string; at: Date; ip: string; who: string }): MailMessage {
  const params = { ...p, when: mailTime(p.at) };
  return { to, lang, subject: message(lang, 'mail.admin-reset-notice.subject', params), text: message(lang, 'mail.admin-reset-notice.text', params) };
}
