import { z } from 'zod';
import type { CodeChannel } from '../delivered-code-method.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { Registration } from '../records.js';
import type { MailDispatch } from '../../delivery/background-delivery.js';
import { DeliveredCodeMethod, codeInput, contactEnrolment } from '../delivered-code-method.js';
import { parseBody } from '../../errors/parse-input.js';
import { SsprError } from '../../errors/sspr-error.js';
import { defineMethod } from '../method.js';
import { codeMail, enrolmentCodeMail } from '../../mail/templates.js';
import { maskEmail } from '../hints.js';

/** A registered address (the directory's own address counts without a registration). */
export const emailData = z.object({ address: z.string() });

/** The address a code goes to: the registered one, or the one the directory holds. */
export function emailTarget(user: DirectoryUser, registration: Registration | null): string | null {
  return registration ? emailData.parse(registration.data).address : user.email;
}

/** Codes by e-mail; an enrolment code mail says it confirms an address, not that it resets a password. */
export function emailChannel(mail: MailDispatch, organisation: string): CodeChannel<'email'> {
  return {
    type: 'email',
    target: emailTarget,
    mask: maskEmail,
    deliver: (to, code, lang, minutes, purpose, tag) =>
      mail.dispatch((purpose === 'reset' ? codeMail : enrolmentCodeMail)(lang, to, { code, minutes, organisation }), tag),
  };
}

const addressInput = z.strictObject({ address: z.string().max(320) });

/** A typed address, trimmed, in the shape name@domain.tld. */
function typedAddress(input: unknown): string {
  const address = parseBody(addressInput, input).address.trim();
  if (!/^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/.test(address) || address.length > 254) {
    throw new SsprError('registration-invalid', { params: { problem: 'email' } });
  }
  return address;
}

export const emailMethod = defineMethod({
  type: 'email',
  data: emailData,
  label: (data) => maskEmail(data.address),
  create: (parts) => new DeliveredCodeMethod(emailChannel(parts.mail, parts.organisation), parts.codes, parts.flows),
  enrol: (parts) => contactEnrolment(emailChannel(parts.mail, parts.organisation), parts, typedAddress, (address) => ({ address })),
  enrolmentInputs: { begin: addressInput, confirm: codeInput },
});
