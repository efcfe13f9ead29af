import type { Lang } from '../i18n/lang.js';
import { message } from '../i18n/messages.js';
import type { MailMessage } from '../mail/mailer.js';
import type { SmsMessage } from '../sms/sms-gateway.js';
import type { NoticeName } from '../audit/audit-events.js';

export interface NoticeParams {
  organisation: string;
  notice: NoticeName;
  at: Date;
  ip: string;
  link: string;
  days: number;
}

/** A notice after a change to the account, with its "this wasn't me" link. Holds no secret. */
export function noticeMail(lang: Lang, to: string, p: NoticeParams): MailMessage {
  return {
    to,
    lang,
    subject: message(lang, 'integrity.mail.notice.subject', { organisation: p.organisation, notice: p.notice }),
    text: message(lang, 'integrity.mail.notice.text', { notice: p.notice, when: p.at, ip: p.ip, days: p.days, link: p.link }),
  };
}

export function noticeSms(lang: Lang, to: string, p: NoticeParams): SmsMessage {
  return { to, text: message(lang, 'integrity.sms.notice', { organisation: p.organisation, notice: p.notice, when: p.at, link: p.link }) };
}

/** Tells an administrator that an account was frozen by its owner. */
export function freezeAlertMail(lang: Lang, to: string, p: { organisation: string; who: string; at: Date; ip: string }): MailMessage {
  return {
    to,
    lang,
    subject: message(lang, 'integrity.mail.freeze-alert.subject', { organisation: p.organisation, who: p.who }),
    text: message(lang, 'integrity.mail.freeze-alert.text', { who: p.who, when: p.at, ip: p.ip }),
  };
}

/** The user name(s) registered at an address; sent only to that address. */
export function usernameReminderMail(lang: Lang, to: string, p: { organisation: string; usernames: string[] }): MailMessage {
  return {
    to,
    lang,
    subject: message(lang, 'integrity.mail.username-reminder.subject', { organisation: p.organisation }),
    text: message(lang, 'integrity.mail.username-reminder.text', { count: p.usernames.length, usernames: p.usernames.join('\n') }),
  };
}

export function usernameReminderSms(lang: Lang, to: string, p: { organisation: string; usernames: string[] }): SmsMessage {
  return { to, text: message(lang, 'integrity.sms.username-reminder', { organisation: p.organisation, usernames: p.usernames.join(', ') }) };
}
