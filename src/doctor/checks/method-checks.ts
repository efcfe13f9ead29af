import type { CountryCode } from 'libphonenumber-js';
import type { Finding } from '../doctor-types.js';
import { allowedTypes, requiredMethods, usableMethods } from '../../policy/eligibility.js';
import { adminPolicy, type MethodType } from '../../policy/sspr-policy.js';
import { normalisePhoneNumber } from '../../methods/phone/phone-number.js';
import { iso, type CountContext, type ServiceFacts, type ServiceRunFacts, type UserFacts } from '../facts.js';
import type { DoctorCheck } from '../doctor-check.js';
import { STORE_BASIS } from './basis.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The policy's method types this service can deliver. */
export const deliverable = (facts: ServiceFacts): MethodType[] => facts.policy.methods.filter((t) => facts.availableTypes.includes(t));

function distinctUsable(facts: UserFacts): MethodType[] {
  return [...new Set(usableMethods(facts.user, facts.registrations, facts.policy).map((m) => m.type))];
}

/** `methods-registered` (non-administrators): distinct usable method types vs the policy's number. */
export function methodsRegistered(facts: UserFacts): Finding {
  if (facts.user.isAdmin) return { id: 'methods-registered', status: 'skip', key: 'admin' };
  const types = distinctUsable(facts);
  const required = requiredMethods(facts.user, facts.policy);
  const evidence: Finding['evidence'] = [['methods', { types: types.join(', ') || '-', required, allowed: facts.policy.methods.join(', ') }]];
  const params = { registered: types.length, required };
  return types.length < required
    ? { id: 'methods-registered', status: 'fail', key: 'too-few', params, evidence }
    : { id: 'methods-registered', status: 'pass', key: 'enough', params, evidence };
}

/** `admin-policy`: administrators need two eligible types, never security questions (two-gate). */
export function adminPolicyFor(facts: UserFacts): Finding {
  if (!facts.user.isAdmin) return { id: 'admin-policy', status: 'skip', key: 'not-admin' };
  const types = distinctUsable(facts);
  const evidence: Finding['evidence'] = [['admin', { admin: 'true', types: types.join(', ') || '-' }]];
  const params = { registered: types.length };
  return types.length < adminPolicy.methodsRequired
    ? { id: 'admin-policy', status: 'fail', key: 'too-few', params, evidence }
    : { id: 'admin-policy', status: 'pass', key: 'enough', params, evidence };
}

/** `method-data-valid`: phone numbers that can receive SMS (libphonenumber), an e-mail on file, no bouncing channel. */
export function methodDataValid(facts: UserFacts): Finding {
  const { user, registrations } = facts;
  const phones = [
    ...(user.mobile ? [user.mobile] : []),
    ...registrations.filter((r) => r.type === 'sms').map((r) => String(r.data.phone ?? '')),
  ];
  const emails = [...(user.email ? [user.email] : []), ...registrations.filter((r) => r.type === 'email').map((r) => String(r.data.address ?? ''))];
  const mask = (phone: string) => (phone.length > 4 ? `${phone.slice(0, 3)}…${phone.slice(-2)}` : '…');
  const evidence: Finding['evidence'] = [['contact', { email: emails.length ? 'yes' : 'no', phones: phones.map(mask).join(', ') || '-' }]];
  for (const phone of phones) {
    const result = normalisePhoneNumber(phone, facts.config.sms.defaultCountry as CountryCode);
    if (!result.ok) return { id: 'method-data-valid', status: 'fail', key: 'bad-phone', params: { phone: mask(phone), reason: result.reason }, evidence };
  }
  if (emails.some((e) => !EMAIL.test(e))) return { id: 'method-data-valid', status: 'fail', key: 'bad-email', evidence };
  const failed = facts.deliveries.find((d) => d.outcome === 'failure');
  if (failed) {
    const channel = failed.event.startsWith('sms') ? 'SMS' : 'e-mail';
    const reason = String(failed.detail.reason ?? '?').slice(0, 200);
    return { id: 'method-data-valid', status: 'fail', key: 'bouncing', params: { channel, reason }, evidence: [...evidence, ['delivery', { channel, reason, at: iso(failed.at) }]] };
  }
  if (phones.length > 0 && facts.policy.methods.includes('sms') && !facts.smsConfigured) {
    return { id: 'method-data-valid', status: 'warn', key: 'no-sms-gateway', evidence };
  }
  if (phones.length === 0 && emails.length === 0) return { id: 'method-data-valid', status: 'warn', key: 'no-contact', evidence };
  return { id: 'method-data-valid', status: 'pass', key: 'ok', evidence };
}

/** `registration-current`: the oldest confirmation vs the policy's re-confirm interval (a warning: resets still work). */
export function registrationCurrent(facts: UserFacts): Finding {
  const days = facts.policy.reconfirmDays;
  if (days === 0) return { id: 'registration-current', status: 'pass', key: 'not-required' };
  if (facts.registrations.length === 0) return { id: 'registration-current', status: 'skip', key: 'nothing' };
  const oldest = Math.min(...facts.registrations.map((r) => r.confirmedAt));
  const evidence: Finding['evidence'] = [['confirmed', { at: iso(oldest), days }]];
  const age = Math.floor((facts.now - oldest) / 86_400_000);
  return facts.now - oldest > days * 86_400_000
    ? { id: 'registration-current', status: 'warn', key: 'overdue', params: { age, days }, evidence }
    : { id: 'registration-current', status: 'pass', key: 'current', params: { days }, evidence };
}

/** Service level, `methods-registered`: the policy can be met at all with the method types this service can deliver. */
function servicePolicyMethods(facts: ServiceFacts): Finding {
  const usable = deliverable(facts);
  const params = { required: facts.policy.methodsRequired, available: usable.length, types: usable.join(', ') || '-' };
  return usable.length < facts.policy.methodsRequired
    ? { id: 'methods-registered', status: 'fail', key: 'policy-impossible', params }
    : { id: 'methods-registered', status: 'pass', key: 'policy-ok', params };
}

/** Service level, `admin-policy`: administrators can reach two eligible types. */
function servicePolicyAdmins(facts: ServiceFacts): Finding {
  const usable = allowedTypes({ isAdmin: true }, { ...facts.policy, methods: deliverable(facts) });
  const params = { available: usable.length, types: usable.join(', ') || '-' };
  return usable.length < adminPolicy.methodsRequired
    ? { id: 'admin-policy', status: 'fail', key: 'policy-impossible', params }
    : { id: 'admin-policy', status: 'pass', key: 'policy-ok', params };
}

/** Service level, `method-data-valid`: mail can leave at all, and how many deliveries failed in the last 24 hours. */
function serviceDelivery(facts: ServiceRunFacts): Finding {
  const failures = facts.deliveryFailures;
  const evidence: Finding['evidence'] = [['mail', { smtp: String(facts.smtpConfigured), sms: facts.config.sms.provider, failures: failures.count }]];
  if (!facts.smtpConfigured && facts.policy.methods.includes('email')) {
    // The demo shows its mail on /demo/outbox: codes arrive there, not in anyone's mailbox.
    return facts.config.demo
      ? { id: 'method-data-valid', status: 'warn', key: 'demo-outbox', evidence }
      : { id: 'method-data-valid', status: 'fail', key: 'no-smtp', evidence };
  }
  if (failures.count > 0) return { id: 'method-data-valid', status: 'warn', key: 'service-failures', params: { count: failures.count, reason: failures.reason ?? '?' }, evidence };
  return { id: 'method-data-valid', status: 'pass', key: 'service-ok', params: { sms: facts.smsConfigured ? 'yes' : 'no' }, evidence };
}

/** Enabled users (administrators or not) short of `required` distinct usable types among `allowed`. */
export function usersShort({ facts, repo }: CountContext, admins: boolean, allowed: MethodType[], required: number): Promise<number> {
  const counts = facts.policy.contactDataCounts;
  return repo.enabledUsersWithTooFewMethods({ admins, allowed, required, contactEmail: counts && allowed.includes('email'), contactMobile: counts && allowed.includes('sms') });
}

export const methodsRegisteredCheck: DoctorCheck = {
  id: 'methods-registered',
  user: methodsRegistered,
  service: servicePolicyMethods,
  count: async (context) => ({ failing: await usersShort(context, false, deliverable(context.facts), context.facts.policy.methodsRequired), warning: 0, basis: STORE_BASIS }),
};

export const methodDataValidCheck: DoctorCheck = {
  id: 'method-data-valid',
  user: methodDataValid,
  service: serviceDelivery,
  async count({ facts, repo, cipher }) {
    let badPhones = 0;
    const country = facts.config.sms.defaultCountry as CountryCode;
    for await (const page of repo.mobiles()) {
      for (const row of page) {
        if (!normalisePhoneNumber(cipher.decrypt(row.mobile, `users.mobile:${row.id}`), country).ok) badPhones++;
      }
    }
    return {
      failing: badPhones + (await repo.usersWithFailedDelivery()),
      warning: facts.users.noContact,
      basis: `${STORE_BASIS}: invalid phone numbers (libphonenumber), newest delivery failed; warnings: no contact data`,
    };
  },
};

export const registrationCurrentCheck: DoctorCheck = {
  id: 'registration-current',
  user: registrationCurrent,
  async count({ facts, repo }) {
    const days = facts.policy.reconfirmDays;
    const overdue = days > 0 ? await repo.usersWithConfirmationBefore(facts.now - days * 86_400_000) : 0;
    return { failing: 0, warning: overdue, basis: STORE_BASIS };
  },
};

export const adminPolicyCheck: DoctorCheck = {
  id: 'admin-policy',
  user: adminPolicyFor,
  service: servicePolicyAdmins,
  count: async (context) => ({
    failing: await usersShort(context, true, deliverable(context.facts).filter((t) => !adminPolicy.forbidden.includes(t)), adminPolicy.methodsRequired),
    warning: 0,
    basis: STORE_BASIS,
  }),
};
