import type { CodeChannel } from '../delivered-code-method.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { Registration } from '../../store/registrations-repository.js';
import type { SmsDispatch } from '../../delivery/background-delivery.js';
import type { Lang } from '../../i18n/lang.js';
import { message } from '../../i18n/messages.js';
import { maskPhoneNumber } from '../phone/phone-number.js';

/** The number a code goes to: the registered one, or the mobile number the directory holds. */
export function smsTarget(user: DirectoryUser, registration: Registration | null): string | null {
  return registration ? (registration.data.phone as string) : user.mobile;
}

export function smsCodeText(lang: Lang, code: string, organisation: string, minutes: number): string {
  return message(lang, 'sms.code', { organisation, code, minutes });
}

/** Codes by SMS through the configured gateway. */
export function smsChannel(sms: SmsDispatch, organisation: string): CodeChannel {
  return {
    type: 'sms',
    target: smsTarget,
    mask: maskPhoneNumber,
    deliver: (to, code, lang, minutes, tag) => sms.dispatch({ to, text: smsCodeText(lang, code, organisation, minutes) }, tag),
  };
}
