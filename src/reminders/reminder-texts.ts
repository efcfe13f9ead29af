import type { Lang } from '../i18n/lang.js';
import { message } from '../i18n/messages.js';
import type { MailMessage } from '../mail/mailer.js';

export interface ExpiryTextParams {
  organisation: string;
  name: string;
  username: string;
  expiresAt: number;
  days: number;
  url: string;
}

export function expiryMail(lang: Lang, to: string, p: ExpiryTextParams): MailMessage {
  const params = { ...p, when: p.expiresAt };
  return { to, subject: message(lang, 'reminders.expiry.subject', params), text: message(lang, 'reminders.expiry.text', params) };
}

export function expirySms(lang: Lang, p: ExpiryTextParams): string {
  return message(lang, 'reminders.expiry.sms', p);
}

export interface SummaryLine {
  person: string;
  username: string;
  expiresAt: number;
  days: number;
}

export function managerSummaryMail(lang: Lang, to: string, p: { organisation: string; name: string; people: readonly SummaryLine[] }): MailMessage {
  const lines = p.people.map((line) => message(lang, 'reminders.manager.line', { ...line, when: line.expiresAt })).join('\n');
  return {
    to,
    subject: message(lang, 'reminders.manager.subject', p),
    text: message(lang, 'reminders.manager.text', { name: p.name, count: p.people.length, lines }),
  };
}

export interface EnrolmentTextParams {
  organisation: string;
  name: string;
  username: string;
  url: string;
}

export function enrolmentMail(lang: Lang, to: string, p: EnrolmentTextParams): MailMessage {
  return { to, subject: message(lang, 'reminders.enrolment.subject', p), text: message(lang, 'reminders.enrolment.text', p) };
}

export function enrolmentSms(lang: Lang, p: EnrolmentTextParams): string {
  return message(lang, 'reminders.enrolment.sms', p);
}
