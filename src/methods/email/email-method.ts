import type { CodeChannel } from '../delivered-code-method.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { Registration } from '../../store/registrations-repository.js';
import type { MailDispatch } from '../../delivery/background-delivery.js';
import { codeMail } from '../../mail/templates.js';
import { maskEmail } from '../hints.js';

/** The address a code goes to: the registered one, or the one the directory holds. */
export function emailTarget(user: DirectoryUser, registration: Registration | null): string | null {
  return registration ? (registration.data.address as string) : user.email;
}

/** Codes by e-mail. */
export function emailChannel(mail: MailDispatch, organisation: string): CodeChannel {
  return {
    type: 'email',
    target: emailTarget,
    mask: maskEmail,
    deliver: (to, code, lang, minutes, tag) => mail.dispatch(codeMail(lang, to, { code, minutes, organisation }), tag),
  };
}
