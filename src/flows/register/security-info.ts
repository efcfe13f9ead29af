import type { DirectoryUser } from '../../directory/directory.js';
import type { RegistrationsRepository, Registration } from '../../store/registrations-repository.js';
import type { ChallengesRepository } from '../../store/challenges-repository.js';
import type { PolicyStore } from '../../policy/policy-store.js';
import type { Clock } from '../../store/clock.js';
import type { Audit } from '../../audit/audit.js';
import type { MethodRequest } from '../../methods/method.js';
import { registrationLabel, type MethodType, type RegistrationData } from '../../methods/index.js';
import { allowedTypes, requiredMethods, usableMethods } from '../../policy/eligibility.js';
import { normalisePhoneNumber, maskPhoneNumber } from '../../methods/phone/phone-number.js';
import type { CountryCode } from 'libphonenumber-js';
import { maskEmail } from '../../methods/hints.js';
import { enrolmentCodeSlot, type OneTimeCodes } from '../../methods/one-time-code.js';
import type { CodeChannel } from '../../methods/delivered-code-method.js';
import type { EnrolmentCodeLimits } from './enrolment-code-limits.js';
import { createTotpEnrolment } from '../../methods/totp/totp-enrolment.js';
import { totpQrCodeSvg } from '../../methods/totp/totp-qr-code.js';
import { verifyTotp } from '../../methods/totp/totp-verification.js';
import { validateAnswers, type QuestionAnswer } from '../../methods/questions/answer-validation.js';
import { hashAnswers } from '../../methods/questions/answer-hashing.js';
import { availableQuestions } from '../../methods/questions/question-lookup.js';
import { generateRecoveryCodes, recoveryCodeKeyFor } from '../../methods/recovery-codes/recovery-codes.js';
import { SsprError } from '../../errors/sspr-error.js';
import type { PasskeyService } from '../../methods/passkey/passkey-service.js';
import { PasskeyError } from '../../methods/passkey/passkey-error.js';
import { passkeyData } from '../../methods/passkey/passkey-method.js';

export interface SecurityInfoDeps {
  registrations: RegistrationsRepository;
  challenges: ChallengesRepository;
  policy: PolicyStore;
  audit: Audit;
  clock: Clock;
  /** The one-time-code rules the reset uses, for codes that confirm a new address or number. */
  codes: OneTimeCodes;
  /** How codes reach an address or number; SMS is null without a gateway. */
  channels: { email: CodeChannel; sms: CodeChannel | null };
  limits: EnrolmentCodeLimits;
  recoveryKey: Buffer;
  /** Null when the public URL cannot be a WebAuthn relying party (an IP address). */
  passkeys: PasskeyService | null;
  /** Method types this service can deliver (SMS only with a gateway). */
  available: ReadonlySet<MethodType>;
  settings: { organisation: string; defaultCountry: string };
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
}

const ENROL_TTL_MS = 10 * 60_000;
/** The pending challenge of one enrolment in progress: one per user and method type. */
const enrolmentKey = (user: DirectoryUser, type: MethodType) => `enrol:${user.id}:${type}`;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * "Security info": a signed-in user sees, adds, removes and re-confirms their verification methods.
 * Transport-free like the reset flow. Contact methods (e-mail, phone) are registered only after a code sent
 * there comes back; an authenticator app only after its first code; nothing is half-registered.
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
    return { methods, allowed: allowedTypes(user, policy), required, registeredTypes, complete: registeredTypes >= required, reconfirmDue };
  }

  /** Sends a code to a new e-mail address; `confirmContact` registers it. */
  async beginEmail(user: DirectoryUser, address: string, request: MethodRequest): Promise<{ hint: string }> {
    await this.expectAllowed(user, 'email');
    const clean = address.trim();
    if (!/^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/.test(clean) || clean.length > 254) {
      throw new SsprError('registration-invalid', { params: { detail: 'enter an e-mail address like name@example.org' } });
    }
    return this.sendContactCode(user, this.deps.channels.email, clean, request);
  }

  /** Sends a code to a new phone number (validated, stored in E.164); `confirmContact` registers it. */
  async beginSms(user: DirectoryUser, phone: string, request: MethodRequest): Promise<{ hint: string }> {
    await this.expectAllowed(user, 'sms');
    const channel = this.deps.channels.sms;
    if (!channel) throw new SsprError('method-forbidden');
    const parsed = normalisePhoneNumber(phone, this.deps.settings.defaultCountry as CountryCode);
    if (!parsed.ok) {
      throw new SsprError('registration-invalid', { params: { detail: `the phone number is not usable (${parsed.reason}); use the international format, e.g. +49 151 12345678` } });
    }
    return this.sendContactCode(user, channel, parsed.e164, request);
  }

  /** Registers the address or number a code was sent to, once that code comes back (the reset's code rules). */
  async confirmContact(user: DirectoryUser, type: 'email' | 'sms', code: string, request: MethodRequest): Promise<MethodSummary> {
    const slot = enrolmentCodeSlot(this.deps.challenges, enrolmentKey(user, type));
    await this.deps.codes.check(slot, code);
    const target = slot.confirmedTarget();
    return type === 'email' ? this.register(user, 'email', { address: target }, request) : this.register(user, 'sms', { phone: target }, request);
  }

  /** Starts an authenticator-app enrolment: the secret stays pending until `confirmTotp` sees a first code. */
  async beginTotp(user: DirectoryUser): Promise<{ uri: string; secret: string; qrSvg: string }> {
    await this.expectAllowed(user, 'totp');
    const enrolment = createTotpEnrolment({ issuer: this.deps.settings.organisation.replace(/:/g, ' '), accountName: user.username });
    await this.deps.challenges.put(enrolmentKey(user, 'totp'), { secret: enrolment.secretBase32 }, this.deps.clock.now() + ENROL_TTL_MS);
    return { uri: enrolment.uri, secret: enrolment.secretBase32, qrSvg: await totpQrCodeSvg(enrolment.uri) };
  }

  async confirmTotp(user: DirectoryUser, code: string, label: string, request: MethodRequest): Promise<MethodSummary> {
    const key = enrolmentKey(user, 'totp');
    const pending = await this.deps.challenges.get<{ secret: string }>(key, this.deps.clock.now());
    if (!pending) throw new SsprError('code-expired');
    if (!(await this.deps.challenges.takeAttempt(key, 5))) throw new SsprError('code-attempts-exhausted');
    const result = verifyTotp(pending.data.secret, code, { now: this.deps.clock.now(), lastUsedStep: null });
    if (!result.ok) throw new SsprError(result.reason === 'malformed' ? 'code-malformed' : 'totp-wrong', { params: { length: 6 } });
    await this.deps.challenges.take(key);
    return this.register(user, 'totp', { secret: pending.data.secret, lastStep: result.step, label: label.trim().slice(0, 60) || 'Authenticator app' }, request);
  }

  /** Questions the user may choose from (predefined and the organisation's own), in their language. */
  async questionChoices(): Promise<{ questions: Array<{ id: string; en: string; de?: string }>; register: number; ask: number }> {
    const policy = await this.deps.policy.current();
    return { questions: availableQuestions(policy.customQuestions), register: policy.questionsToRegister, ask: policy.questionsToAnswer };
  }

  /** Registers (or replaces) the user's security questions; answers are stored only as Argon2id hashes. */
  async setQuestions(user: DirectoryUser, answers: QuestionAnswer[], request: MethodRequest): Promise<MethodSummary> {
    await this.expectAllowed(user, 'questions');
    const policy = await this.deps.policy.current();
    const check = validateAnswers(answers, { min: policy.questionsToRegister, max: 5, questions: availableQuestions(policy.customQuestions) });
    if (!check.ok) {
      throw new SsprError('registration-invalid', { params: { detail: check.problems.map((p) => p.code).join(', ') }, details: { problems: check.problems } });
    }
    const stored = await hashAnswers(answers);
    await this.deps.registrations.removeType(user.id, 'questions');
    return this.register(user, 'questions', { answers: stored }, request);
  }

  /** New set of ten single-use recovery codes, replacing any earlier set; the codes are shown once. */
  async regenerateRecoveryCodes(user: DirectoryUser, request: MethodRequest): Promise<{ codes: string[]; method: MethodSummary }> {
    await this.expectAllowed(user, 'recovery-codes');
    const { codes, digests } = generateRecoveryCodes(recoveryCodeKeyFor(this.deps.recoveryKey, user.id), 10);
    await this.deps.registrations.removeType(user.id, 'recovery-codes');
    return { codes, method: await this.register(user, 'recovery-codes', { digests }, request) };
  }

  /** WebAuthn creation options; the challenge is kept server-side until `registerPasskey`. */
  async passkeyOptions(user: DirectoryUser): Promise<unknown> {
    await this.expectAllowed(user, 'passkey');
    const passkeys = this.passkeys();
    const existing = (await this.deps.registrations.listForUser(user.id)).filter((r) => r.type === 'passkey').map((r) => passkeyData.parse(r.data));
    const issued = await passkeys.registrationOptions({ id: user.id, username: user.username, displayName: user.displayName }, existing);
    await this.deps.challenges.put(enrolmentKey(user, 'passkey'), { challenge: issued.challenge }, this.deps.clock.now() + ENROL_TTL_MS);
    return issued.options;
  }

  /** Verifies the authenticator's attestation against the pending challenge (single use) and registers it. */
  async registerPasskey(user: DirectoryUser, response: unknown, label: string, request: MethodRequest): Promise<MethodSummary> {
    await this.expectAllowed(user, 'passkey');
    const key = enrolmentKey(user, 'passkey');
    const pending = await this.deps.challenges.get<{ challenge: string }>(key, this.deps.clock.now());
    if (!pending || !(await this.deps.challenges.take(key))) throw new SsprError('code-expired');
    try {
      const stored = await this.passkeys().verifyRegistration(response, pending.data.challenge);
      return await this.register(user, 'passkey', { ...stored, label: label.trim().slice(0, 60) || 'Passkey' }, request);
    } catch (error) {
      if (error instanceof PasskeyError) throw new SsprError('passkey-failed', { cause: error });
      throw error;
    }
  }

  /** Removes one of the user's own registrations; another user's id is "not found", never removed. */
  async remove(user: DirectoryUser, id: string, request: MethodRequest): Promise<void> {
    const registration = await this.deps.registrations.find(user.id, id);
    if (!registration || !(await this.deps.registrations.remove(user.id, id))) throw new SsprError('method-unknown');
    await this.auditOf(user, request, 'method-removed', registration.type);
  }

  /** "Looks good": the user confirms their methods are current (re-confirmation interval). */
  async reconfirm(user: DirectoryUser, request: MethodRequest): Promise<void> {
    await this.deps.registrations.reconfirmAll(user.id, this.deps.clock.now());
    await this.auditOf(user, request, 'methods-reconfirmed', 'all');
  }

  /** Registers a method whose possession was proven; used by every add path (passkeys included). */
  async register<T extends MethodType>(user: DirectoryUser, type: T, data: RegistrationData<T>, request: MethodRequest): Promise<MethodSummary> {
    const registration = await this.deps.registrations.add(user.id, type, data, this.deps.clock.now());
    await this.auditOf(user, request, 'method-registered', type);
    return { ...this.summaryOf(registration), fromDirectory: false };
  }

  async expectAllowed(user: DirectoryUser, type: MethodType): Promise<void> {
    if (!allowedTypes(user, await this.effectivePolicy()).includes(type)) throw new SsprError('method-forbidden');
  }

  private async effectivePolicy() {
    const policy = await this.deps.policy.current();
    return { ...policy, methods: policy.methods.filter((t) => this.deps.available.has(t)) };
  }

  /** Counts the code against the limits, then stores it pending for `confirmContact` and sends it. */
  private async sendContactCode(user: DirectoryUser, channel: CodeChannel, target: string, request: MethodRequest): Promise<{ hint: string }> {
    await this.deps.limits.take(user.id, channel.type, target);
    const code = await this.deps.codes.issue(enrolmentCodeSlot(this.deps.challenges, enrolmentKey(user, channel.type), target));
    const tag = { purpose: 'registration-code', userId: user.id, username: user.username };
    channel.deliver(target, code, request.lang, Math.round(this.deps.codes.ttlSeconds / 60), 'enrolment', tag);
    return { hint: channel.mask(target) };
  }

  private passkeys(): PasskeyService {
    if (!this.deps.passkeys) throw new SsprError('method-forbidden');
    return this.deps.passkeys;
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

  private auditOf(user: DirectoryUser, request: MethodRequest, event: string, type: string): Promise<void> {
    return this.deps.audit.record({ event, outcome: 'success', userId: user.id, username: user.username, ip: request.ip, userAgent: request.userAgent, detail: { method: type } });
  }
}
