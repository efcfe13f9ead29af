import type { Lang } from '../i18n/lang.js';
import { message } from '../i18n/messages.js';
import type { MailMessage } from './mailer.js';

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

/** Tells the account's owner that the helpdesk reset their password or cleared their lockout. */
export function helpdeskNoticeMail(lang: Lang, to: string, p: { organisation: string; at: Date; act: 'reset' | 'unlock' }): MailMessage {
  const params = { organisation: p.organisation, at: p.at, act: p.act };
  return { to, lang, subject: message(lang, 'helpdesk.notice.subject', params), text: message(lang, 'helpdesk.notice.text', params) };
}

/** Sent to every other administrator when an administrator's password was reset (Entra's admin notice). */
export function adminResetNoticeMail(lang: Lang, to: string, p: { organisation: string; at: Date; ip: string; who: string }): MailMessage {
  return { to, lang, subject: message(lang, 'mail.admin-reset-notice.subject', p), text: message(lang, 'mail.admin-reset-notice.text', p) };
}

/** The code a helpdesk operator asks a caller to read out (it says so, and that only the called desk may hear it). */
export function helpdeskCodeMail(lang: Lang, to: string, p: { organisation: string; code: string; minutes: number }): MailMessage {
  return { to, lang, subject: message(lang, 'helpdesk.code.subject', p), text: message(lang, 'helpdesk.code.text', p) };
}
