import type { DirectoryUser } from '../../directory/directory.js';
import type { RegistrationsRepository, Registration } from '../../methods/records.js';
import type { PolicyStore } from '../../policy/policy-store.js';
import type { Clock } from '../../store/clock.js';
import type { Audit } from '../../audit/audit.js';
import type { Enrolment, EnrolmentContext, EnrolmentStep, MethodRequest } from '../../methods/method.js';
import { registrationDataOf, registrationLabel, type MethodType } from '../../methods/index.js';
import { allowedTypes, requiredMethods, usableMethods } from '../../policy/eligibility.js';
import { maskPhoneNumber } from '../../methods/phone/phone-number.js';
import { maskEmail } from '../../methods/hints.js';
import { availableQuestions } from '../../methods/questions/question-lookup.js';
import { SsprError } from '../../errors/sspr-error.js';
import type { AccountNotices } from '../../integrity/account-notices.js';
import type { AccountFreeze } from '../../integrity/account-freeze.js';

export interface SecurityInfoDeps {
  registrations: RegistrationsRepository;
  policy: PolicyStore;
  audit: Audit;
  clock: Clock;
  /** The enrolment of every method this service can offer (see `methods/index.ts`). */
  enrolments: ReadonlyMap<MethodType, Enrolment<unknown>>;
  /** Method types this service can deliver (SMS only with a gateway). */
  available: ReadonlySet<MethodType>;
  /** The owner hears of every method added or removed, with a "this wasn't me" link. */
  notices: Pick<AccountNotices, 'send'>;
  /** A frozen account registers and removes nothing. */
  freeze: Pick<AccountFreeze, 'expectNotFrozen'>;
}

/** An enrolment step's answer: what the person is shown, and the registration if the step made one. */
export interface EnrolmentAnswer {
  show: object;
  method: MethodSummary | null;
}

export interface MethodSummary {
  id: string;
  type: MethodType;
  label: string;
  createdAt: string;
  confirmedAt: string;
  lastUsedAt: string | null;
  /** Contact data held by the organisation counts but cannot be removed here. */
  fromDirectory: boolean;
}

export interface SecurityInfoOverview {
  methods: MethodSummary[];
  allowed: MethodType[];
  required: number;
  registeredTypes: number;
  complete: boolean;
  reconfirmDue: boolean;
  /** An operator asked the user to register again, and the methods registered since do not yet meet the policy. */
  reregistrationDue: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * "Security info": a signed-in user sees, adds, removes and re-confirms their verification methods.
 * Transport-free like the reset flow. Contact methods (e-mail, phone) are registered only after a code sent
 * there comes back; an authenticator app only after its first code; nothing is half-registered. Every method
 * added or removed is notified to the owner; a frozen account ("this wasn't me") changes nothing here.
 */
export class SecurityInfo {
  constructor(private readonly deps: SecurityInfoDeps) {}

  async overview(user: DirectoryUser): Promise<SecurityInfoOverview> {
    const policy = await this.effectivePolicy();
    const registrations = await this.deps.registrations.listForUser(user.id);
    const usable = usableMethods(user, registrations, policy);
    const methods: MethodSummary[] = usable.map((m) => {
      const registration = registrations.find((r) => r.id === m.ref);
      return registration
        ? { ...this.summaryOf(registration), fromDirectory: false }
        : { id: m.ref, type: m.type, label: m.type === 'email' ? maskEmail(user.email ?? '') : maskPhoneNumber(user.mobile ?? ''), createdAt: '', confirmedAt: '', lastUsedAt: null, fromDirectory: true };
    });
    const required = requiredMethods(user, policy);
    const registeredTypes = new Set(usable.map((m) => m.type)).size;
    const oldest = Math.min(...registrations.map((r) => r.confirmedAt));
    const reconfirmDue = policy.reconfirmDays > 0 && registrations.length > 0 && this.deps.clock.now() - oldest > policy.reconfirmDays * 86_400_000;
    const reregistrationDue = await this.reregistrationDue(user, registrations, required);
    return { methods, allowed: allowedTypes(user, policy), required, registeredTypes, complete: registeredTypes >= required && !reregistrationDue, reconfirmDue, reregistrationDue };
  }

  /**
   * Whether sign-in must lead to security info first: registration required by the policy and not complete,
   * methods overdue for re-confirmation, or an operator's "register again" standing — the overview's answer
   * (`(registrationRequired && !complete) || reconfirmDue || reregistrationDue`). When the policy requires no
   * registration and no re-confirmation, only a standing "register again" can make it true, and without one
   * the answer is false whatever the registrations: then the registrations are not read.
   */
  async dueAtSignIn(user: DirectoryUser): Promise<boolean> {
    const policy = await this.deps.policy.current();
    if (!policy.registrationRequired && policy.reconfirmDays === 0 && !(await this.deps.registrations.reregistrationSince(user.id))) return false;
    const overview = await this.overview(user);
    return (policy.registrationRequired && !overview.complete) || overview.reconfirmDue || overview.reregistrationDue;
  }

  /**
   * Whether an operator's "register again" stands: only methods registered since the request count (directory
   * contact data never does: the request is about the owner proving their methods anew).
   */
  private async reregistrationDue(user: DirectoryUser, registrations: ReadonlyArray<Registration>, required: number): Promise<boolean> {
    const request = await this.deps.registrations.reregistrationSince(user.id);
    if (!request) return false;
    const fresh = new Set(registrations.filter((r) => r.createdAt >= request.at).map((r) => r.type));
    return fresh.size < Math.max(1, required);
  }

  /**
   * The first step of adding a method of `type`: its module's `begin` (send a code, make a secret or WebAuthn
   * options — or register at once). Answers with what the person is shown, and the registration if one was made.
   */
  async begin(user: DirectoryUser, type: MethodType, input: unknown, request: MethodRequest): Promise<EnrolmentAnswer> {
    await this.deps.freeze.expectNotFrozen(user);
    const enrolment = await this.enrolmentOf(user, type);
    return this.finish(user, type, await enrolment.begin(this.contextOf(user, type, request), input), request);
  }

  /** The proof-of-possession step of adding a method of `type` (a code that came back, a first TOTP code, a passkey). */
  async confirm(user: DirectoryUser, type: MethodType, input: unknown, request: MethodRequest): Promise<EnrolmentAnswer> {
    await this.deps.freeze.expectNotFrozen(user);
    const enrolment = await this.enrolmentOf(user, type);
    if (!enrolment.confirm) throw new SsprError('not-found');
    return this.finish(user, type, await enrolment.confirm(this.contextOf(user, type, request), input), request);
  }

  /** Questions the user may choose from (predefined and the organisation's own), in their language. */
  async questionChoices(): Promise<{ questions: Array<{ id: string; en: string; de?: string }>; register: number; ask: number }> {
    const policy = await this.deps.policy.current();
    return { questions: availableQuestions(policy.customQuestions), register: policy.questionsToRegister, ask: policy.questionsToAnswer };
  }

  /** Removes one of the user's own registrations; another user's id is "not found", never removed. */
  async remove(user: DirectoryUser, id: string, request: MethodRequest): Promise<void> {
    await this.deps.freeze.expectNotFrozen(user);
    const registration = await this.deps.registrations.find(user.id, id);
    if (!registration || !(await this.deps.registrations.remove(user.id, id))) throw new SsprError('method-unknown');
    await this.auditOf(user, request, 'method-removed', registration.type);
    // The removed address hears of it too: it may be the owner's, and the one now left the intruder's.
    const data = registration.data as { address?: unknown; phone?: unknown };
    await this.deps.notices.send(user, 'methodRemoved', request, {
      email: registration.type === 'email' && typeof data.address === 'string' ? data.address : null,
      phone: registration.type === 'sms' && typeof data.phone === 'string' ? data.phone : null,
    });
  }

  /** "Looks good": the user confirms their methods are current (re-confirmation interval). */
  async reconfirm(user: DirectoryUser, request: MethodRequest): Promise<void> {
    await this.deps.registrations.reconfirmAll(user.id, this.deps.clock.now());
    await this.auditOf(user, request, 'methods-reconfirmed', 'all');
  }

  /** Registers a method whose possession was proven, its data checked against the method's schema. */
  private async register(user: DirectoryUser, type: MethodType, data: unknown, request: MethodRequest): Promise<MethodSummary> {
    const registration = await this.deps.registrations.add(user.id, type, registrationDataOf(type, data), this.deps.clock.now());
    await this.auditOf(user, request, 'method-registered', type);
    await this.deps.notices.send(user, 'methodAdded', request);
    await this.endReregistrationIfMet(user, type, request);
    return { ...this.summaryOf(registration), fromDirectory: false };
  }

  private async finish(user: DirectoryUser, type: MethodType, step: EnrolmentStep<unknown>, request: MethodRequest): Promise<EnrolmentAnswer> {
    if (step.register === undefined) return { show: step.show ?? {}, method: null };
    if (step.replace) await this.deps.registrations.removeType(user.id, type);
    return { show: step.show ?? {}, method: await this.register(user, type, step.register, request) };
  }

  private async enrolmentOf(user: DirectoryUser, type: MethodType): Promise<Enrolment<unknown>> {
    await this.expectAllowed(user, type);
    const enrolment = this.deps.enrolments.get(type);
    if (!enrolment) throw new SsprError('method-forbidden');
    return enrolment;
  }

  private contextOf(user: DirectoryUser, type: MethodType, request: MethodRequest): EnrolmentContext {
    return { user, request, pendingKey: `enrol:${user.id}:${type}` };
  }

  async expectAllowed(user: DirectoryUser, type: MethodType): Promise<void> {
    if (!allowedTypes(user, await this.effectivePolicy()).includes(type)) throw new SsprError('method-forbidden');
  }

  private async effectivePolicy() {
    const policy = await this.deps.policy.current();
    return { ...policy, methods: policy.methods.filter((t) => this.deps.available.has(t)) };
  }

  private summaryOf(registration: Registration): Omit<MethodSummary, 'fromDirectory'> {
    return {
      id: registration.id,
      type: registration.type,
      label: registrationLabel(registration),
      createdAt: iso(registration.createdAt),
      confirmedAt: iso(registration.confirmedAt),
      lastUsedAt: registration.lastUsedAt ? iso(registration.lastUsedAt) : null,
    };
  }

  /** Ends an operator's "register again" once the methods registered since meet the policy (audited). */
  private async endReregistrationIfMet(user: DirectoryUser, type: MethodType, request: MethodRequest): Promise<void> {
    if (!(await this.deps.registrations.reregistrationSince(user.id))) return;
    const policy = await this.effectivePolicy();
    const registrations = await this.deps.registrations.listForUser(user.id);
    if (await this.reregistrationDue(user, registrations, requiredMethods(user, policy))) return;
    await this.deps.registrations.endReregistration(user.id);
    await this.deps.audit.record({ event: 'reregistration-completed', outcome: 'success', userId: user.id, username: user.username, ip: request.ip, userAgent: request.userAgent, detail: { method: type } });
  }

  private auditOf(user: DirectoryUser, request: MethodRequest, event: 'method-registered' | 'method-removed' | 'methods-reconfirmed', type: string): Promise<void> {
    return this.deps.audit.record({ event, outcome: 'success', userId: user.id, username: user.username, ip: request.ip, userAgent: request.userAgent, detail: { method: type } });
  }
}
