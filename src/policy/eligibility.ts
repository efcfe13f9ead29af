import type { DirectoryUser } from '../directory/directory.js';
import type { Registration } from '../methods/records.js';
import { adminPolicy, type MethodType, type SsprPolicy } from './sspr-policy.js';

/** A method a user can be verified with: a registration, or contact data the organisation holds. */
export interface UsableMethod {
  type: MethodType;
  /** Registration id, or "contact:email" / "contact:mobile". */
  ref: string;
}

/**
 * Why a user may not reset. The codes are the doctor's check ids (failure-catalog.md), one vocabulary for
 * the flow's refusals and the doctor's findings.
 */
export type Refusal =
  | { code: 'account-state'; detail: 'disabled' }
  | { code: 'sspr-enabled'; detail: 'disabled-for-everyone' | 'not-in-group' }
  | { code: 'license-assigned'; detail: 'no-licence' }
  | { code: 'methods-registered'; detail: { registered: number; required: number } }
  | { code: 'admin-policy'; detail: { registered: number; required: number } };

/** The refusals whatever methods the account holds: its state, SSPR's scope, its licence (`scopeRefusal`). */
export type ScopeRefusal = Extract<Refusal, { code: 'account-state' | 'sspr-enabled' | 'license-assigned' }>;

export interface EligibilityInput {
  user: DirectoryUser;
  /** Names of every group the user belongs to, nested membership included (may be empty where `scopeFactsNeeded` says the policy does not ask). */
  groups: string[];
  /** The user's licence plans (may be empty where `scopeFactsNeeded` says the policy does not ask). */
  plans: string[];
  registrations: Registration[];
  policy: SsprPolicy;
}

export type Eligibility = { eligible: true; methods: UsableMethod[]; required: number } | { eligible: false; refusal: Refusal; methods: UsableMethod[]; required: number };

/** Method types that count for this user: the policy's, minus questions for administrators (two-gate). */
export function allowedTypes(user: Pick<DirectoryUser, 'isAdmin'>, policy: SsprPolicy): MethodType[] {
  return policy.methods.filter((type) => !(user.isAdmin && adminPolicy.forbidden.includes(type)));
}

export function requiredMethods(user: Pick<DirectoryUser, 'isAdmin'>, policy: SsprPolicy): number {
  return user.isAdmin ? adminPolicy.methodsRequired : policy.methodsRequired;
}

/** The methods this user can use now, in a stable order. */
export function usableMethods(user: DirectoryUser, registrations: Registration[], policy: SsprPolicy): UsableMethod[] {
  const allowed = new Set(allowedTypes(user, policy));
  const methods: UsableMethod[] = registrations.filter((r) => allowed.has(r.type)).map((r) => ({ type: r.type, ref: r.id }));
  if (policy.contactDataCounts) {
    const registeredEmail = registrations.some((r) => r.type === 'email' && r.data.address === user.email);
    const registeredMobile = registrations.some((r) => r.type === 'sms' && r.data.phone === user.mobile);
    if (user.email && allowed.has('email') && !registeredEmail) methods.unshift({ type: 'email', ref: 'contact:email' });
    if (user.mobile && allowed.has('sms') && !registeredMobile) methods.push({ type: 'sms', ref: 'contact:mobile' });
  }
  return methods;
}

/** Which of the user's facts the policy consults: groups only for SSPR enabled for a selected group, plans only when a licence is required. */
export function scopeFactsNeeded(policy: Pick<SsprPolicy, 'enabled' | 'licenceRequired'>): { groups: boolean; plans: boolean } {
  return { groups: policy.enabled === 'selected', plans: policy.licenceRequired };
}

/**
 * Why this account may not reset whatever methods it holds (disabled, outside SSPR's scope, no licence), or null.
 * Pure; checks in this order. The part of eligibility an administrator's change moves while a flow runs.
 */
export function scopeRefusal(input: Omit<EligibilityInput, 'registrations'>): ScopeRefusal | null {
  const { user, policy } = input;
  if (!user.enabled) return { code: 'account-state', detail: 'disabled' };
  if (policy.enabled === 'none') return { code: 'sspr-enabled', detail: 'disabled-for-everyone' };
  if (policy.enabled === 'selected') {
    const group = policy.group?.normalize('NFC').toLowerCase();
    if (!input.groups.some((g) => g.normalize('NFC').toLowerCase() === group)) return { code: 'sspr-enabled', detail: 'not-in-group' };
  }
  if (policy.licenceRequired && !input.plans.some((plan) => plan === 'sspr' || plan === 'sspr-writeback')) {
    return { code: 'license-assigned', detail: 'no-licence' };
  }
  return null;
}

/**
 * May this user reset, and with which methods? Pure: the caller gathers groups, licences and registrations.
 * Order of checks: account enabled, SSPR scope, licence (`scopeRefusal`), enough distinct method types (admins: two-gate).
 */
export function decideEligibility(input: EligibilityInput): Eligibility {
  const { user, policy } = input;
  const methods = usableMethods(user, input.registrations, policy);
  const required = requiredMethods(user, policy);
  const refuse = (refusal: Refusal): Eligibility => ({ eligible: false, refusal, methods, required });
  const outOfScope = scopeRefusal(input);
  if (outOfScope) return refuse(outOfScope);
  const distinctTypes = new Set(methods.map((m) => m.type)).size;
  if (distinctTypes < required) {
    return refuse({ code: user.isAdmin ? 'admin-policy' : 'methods-registered', detail: { registered: distinctTypes, required } });
  }
  return { eligible: true, methods, required };
}
