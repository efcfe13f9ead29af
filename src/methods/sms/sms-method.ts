import { z } from 'zod';
import type { CodeChannel, CodePurpose } from '../delivered-code-method.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { Registration } from '../records.js';
import type { SmsDispatch } from '../../delivery/background-delivery.js';
import type { Lang } from '../../i18n/lang.js';
import { message } from '../../i18n/messages.js';
import type { CountryCode } from 'libphonenumber-js';
import { DeliveredCodeMethod, codeInput, contactEnrolment } from '../delivered-code-method.js';
import { parseBody } from '../../errors/parse-input.js';
import { SsprError } from '../../errors/sspr-error.js';
import { defineMethod } from '../method.js';
import { maskPhoneNumber, normalisePhoneNumber } from '../phone/phone-number.js';

/** A registered number in E.164 (the directory's mobile number counts without a registration). */
export const smsData = z.object({ phone: z.string() });

/** The number a code goes to: the registered one, or the mobile number the directory holds. */
export function smsTarget(user: DirectoryUser, registration: Registration | null): string | null {
  return registration ? smsData.parse(registration.data).phone : user.mobile;
}

export function smsCodeText(lang: Lang, code: string, organisation: string, minutes: number, purpose: CodePurpose = 'reset'): string {
  return message(lang, purpose === 'enrolment' ? 'sms.enrolment-code' : 'sms.code', { organisation, code, minutes });
}

/** Codes by SMS through the configured gateway. */
export function smsChannel(sms: SmsDispatch, organisation: string): CodeChannel<'sms'> {
  return {
    type: 'sms',
    target: smsTarget,
    mask: maskPhoneNumber,
    deliver: (to, code, lang, minutes, purpose, tag) => sms.dispatch({ to, text: smsCodeText(lang, code, organisation, minutes, purpose) }, tag),
  };
}

const phoneInput = z.strictObject({ phone: z.string().max(40) });

/** A typed number, validated as a mobile number and given back in E.164. */
const typedNumber = (defaultCountry: string) => (input: unknown): string => {
  const parsed = normalisePhoneNumber(parseBody(phoneInput, input).phone, defaultCountry as CountryCode);
  if (!parsed.ok) {
    throw new SsprError('registration-invalid', { params: { problem: 'phone' }, detail: parsed.reason });
  }
  return parsed.e164;
};

export const smsMethod = defineMethod({
  type: 'sms',
  data: smsData,
  label: (data) => maskPhoneNumber(data.phone),
  create: (parts) => (parts.sms ? new DeliveredCodeMethod(smsChannel(parts.sms, parts.organisation), parts.codes, parts.flows) : null),
  enrol: (parts) => (parts.sms ? contactEnrolment(smsChannel(parts.sms, parts.organisation), parts, typedNumber(parts.defaultCountry), (phone) => ({ phone })) : null),
  enrolmentInputs: { begin: phoneInput, confirm: codeInput },
});
