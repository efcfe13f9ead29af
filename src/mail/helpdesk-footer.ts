import type { Mailer, MailMessage } from './mailer.js';
import { message } from '../i18n/messages.js';

export interface Helpdesk {
  organisation: string;
  phone?: string | undefined;
  url?: string | undefined;
}

/** The lines every mail ends with when a help desk is configured (branding.helpdesk), in the mail's language. */
export function helpdeskFooter(mail: Pick<MailMessage, 'lang'>, helpdesk: Helpdesk): string {
  const lang = mail.lang ?? 'en';
  const lines = [
    helpdesk.organisation,
    ...(helpdesk.phone ? [message(lang, 'integrity.mail.footer.phone', { phone: helpdesk.phone })] : []),
    ...(helpdesk.url ? [message(lang, 'integrity.mail.footer.url', { url: helpdesk.url })] : []),
  ];
  return `\n-- \n${lines.join('\n')}\n`;
}

/** A mailer that appends the help-desk footer to every mail (RFC 3676 signature separator "-- "). */
export function withHelpdeskFooter(mailer: Mailer, helpdesk: Helpdesk): Mailer {
  if (!helpdesk.phone && !helpdesk.url) return mailer;
  return {
    send: (mail) => mailer.send({ ...mail, text: `${mail.text.replace(/\n*$/, '\n')}${helpdeskFooter(mail, helpdesk)}` }),
    close: () => mailer.close(),
  };
}
