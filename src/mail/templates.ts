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

/**
 * The code that confirms a new address for sign-in recovery. It goes to an address a signed-in user typed, so it
 * says what it is for, that nothing happens without it, and names no account.
 */
export function enrolmentCodeMail(lang: Lang, to: string, p: { code: string; minutes: number; organisation: string }): MailMessage {
  return lang === 'de'
    ? {
        to,
        subject: `${p.organisation}: Code zur Bestätigung dieser Adresse`,
        text:
          `Jemand möchte diese E-Mail-Adresse bei ${p.organisation} hinterlegen, um damit künftig sein Kennwort wiederherzustellen.\n` +
          `Der Bestätigungscode lautet: ${p.code}\n\n` +
          `Er ist ${p.minutes} Minuten gültig. Dies ist kein Code zum Zurücksetzen eines Kennworts.\n` +
          `Wenn Sie das nicht waren, ignorieren Sie diese Nachricht; ohne den Code wird die Adresse nicht hinterlegt.\n`,
      }
    : {
        to,
        subject: `${p.organisation}: code to confirm this address`,
        text:
          `Someone asked to add this e-mail address at ${p.organisation} for recovering their password later.\n` +
          `The confirmation code is: ${p.code}\n\n` +
          `It is valid for ${p.minutes} minutes. This is not a password reset code.\n` +
          `If this was not you, ignore this message; without the code the address is not added.\n`,
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

/** Tells a known user why they cannot reset (the page answered like for anyone, to avoid enumeration). */
export function refusalNoticeMail(lang: Lang, to: string, p: { organisation: string; reason: string }): MailMessage {
  return lang === 'de'
    ? {
        to,
        subject: `${p.organisation}: Kennwort konnte nicht zurückgesetzt werden`,
        text: `Jemand hat versucht, das Kennwort Ihres Kontos zurückzusetzen. Das ist derzeit nicht möglich:\n\n${p.reason}\n\nWenn Sie das nicht waren, können Sie diese Nachricht ignorieren.\n`,
      }
    : {
        to,
        subject: `${p.organisation}: your password could not be reset`,
        text: `Someone tried to reset the password of your account. This is not possible right now:\n\n${p.reason}\n\nIf this was not you, you can ignore this message.\n`,
      };
}

/** Sent to every other administrator when an administrator's password was reset (Entra's admin notice). */
export function adminResetNoticeMail(lang: Lang, to: string, p: { organisation: string; at: Date; ip: string; who: string }): MailMessage {
  const when = p.at.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  return lang === 'de'
    ? { to, subject: `${p.organisation}: Kennwort des Administrators ${p.who} zurückgesetzt`, text: `Das Kennwort des Administrators ${p.who} wurde am ${when} per Selbstbedienung zurückgesetzt (Anfrage von ${p.ip}).\n` }
    : { to, subject: `${p.organisation}: administrator ${p.who} reset their password`, text: `The password of administrator ${p.who} was reset by self-service on ${when} (request from ${p.ip}).\n` };
}
