import type { Lang } from '../i18n/lang.js';
import type { MailMessage } from './mailer.js';

/** The one-time code mail. Holds the code and nothing that would let a reader act without it. */
export function codeMail(lang: Lang, to: string, p: { code: string; minutes: number; organisation: string }): MailMessage {
  return lang === 'de'
    ? {
        to,
        subject: `${p.organisation}: Ihr Bestätigungscode`,
        text:
          `Ihr Code zum Zurücksetzen des Kennworts lautet: ${p.code}\n\n` +
          `Er ist ${p.minutes} Minuten gültig und kann einmal verwendet werden.\n` +
          `Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht; Ihr Kennwort bleibt unverändert.\n`,
      }
    : {
        to,
        subject: `${p.organisation}: your verification code`,
        text:
          `Your password reset code is: ${p.code}\n\n` +
          `It is valid for ${p.minutes} minutes and can be used once.\n` +
          `If you did not ask for this, ignore this message; your password stays as it is.\n`,
      };
}

/** Sent after every successful reset (OWASP: notify, without secrets). */
export function resetNoticeMail(lang: Lang, to: string, p: { organisation: string; at: Date; ip: string }): MailMessage {
  const when = p.at.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  return lang === 'de'
    ? {
        to,
        subject: `${p.organisation}: Ihr Kennwort wurde zurückgesetzt`,
        text:
          `Ihr Kennwort wurde am ${when} zurückgesetzt (Anfrage von ${p.ip}).\n\n` +
          `Wenn Sie das nicht waren, wenden Sie sich sofort an Ihren Helpdesk.\n`,
      }
    : {
        to,
        subject: `${p.organisation}: your password was reset`,
        text:
          `Your password was reset on ${when} (request from ${p.ip}).\n\n` +
          `If this was not you, contact your help desk at once.\n`,
      };
}
