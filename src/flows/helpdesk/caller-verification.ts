import { randomBytes, randomInt } from 'node:crypto';
import type { DirectoryUser } from '../../directory/directory.js';
import type { Audit } from '../../audit/audit.js';
import type { MethodRequest } from '../../methods/method.js';
import type { Registration, RegistrationsRepository } from '../../methods/records.js';
import type { MailDispatch, SmsDispatch } from '../../delivery/background-delivery.js';
import type { Clock } from '../../store/clock.js';
import type { HelpdeskRepository, HelpdeskVerification } from '../../store/helpdesk-repository.js';
import type { SetPassword } from '../password/set-password.js';
import { emailTarget } from '../../methods/email/email-method.js';
import { smsTarget } from '../../methods/sms/sms-method.js';
import { totpData } from '../../methods/totp/totp-method.js';
import { verifyTotp } from '../../methods/totp/totp-verification.js';
import { maskEmail } from '../../methods/hints.js';
import { maskPhoneNumber } from '../../methods/phone/phone-number.js';
import { helpdeskCodeMail } from '../../mail/templates.js';
import { message } from '../../i18n/messages.js';
import { hmac, numericCode, safeEqual } from '../../crypto/tokens.js';
import { SsprError } from '../../errors/sspr-error.js';

/** Who acts: the audit label of a console session or an admin token, and whether it is an administrator. */
export interface HelpdeskOperator {
  label: string;
  isAdmin: boolean;
}

/** The limits of caller verification (OWASP Authentication: bounded guessing, bounded sending). */
export const helpdeskLimits = {
  /** Wrong codes per verification; the next wrong one voids it. */
  maxTries: 5,
  /** Codes (first and re-sent) to one user per hour, by all operators together: no mail or SMS bomb. */
  maxSendsPerUserPerHour: 5,
  codeLength: 6,
  codeTtlMs: 10 * 60_000,
  /** How long reset and unlock stay enabled after a correct code (or a recorded reason). */
  grantMs: 15 * 60_000,
  minReasonLength: 10,
} as const;

/** A way to verify a caller: a registered e-mail address or mobile number, an authenticator app. */
export interface CallerMethod {
  /** A registration id, or `directory-email` / `directory-mobile` for the directory's contact data. */
  id: string;
  type: 'email' | 'sms' | 'totp';
  /** Masked address or number, or the authenticator's label. */
  hint: string;
}

export interface HelpdeskDeps {
  verifications: HelpdeskRepository;
  registrations: RegistrationsRepository;
  setPassword: Pick<SetPassword, 'run'>;
  mail: Pick<MailDispatch, 'dispatch'>;
  sms: Pick<SmsDispatch, 'dispatch'> | null;
  audit: Pick<Audit, 'record'>;
  clock: Clock;
  codeKey: Buffer;
  organisation: string;
  /** Whether the directory account is written by a directory that can lock it (unlock is offered only then). */
  contactDataCounts(): Promise<boolean>;
}

/**
 * May this operator act on this account at all? Administrators may act on anyone; a helpdesk operator never on an
 * administrator (the rule: helpdesk acts for non-administrators in its scope). The console-auth work
 * widens this with the operator's scope; it is the one place that decision is made.
 */
export function assertMayActOn(operator: HelpdeskOperator, user: DirectoryUser): void {
  if (user.isAdmin && !operator.isAdmin) throw new SsprError('helpdesk-target-refused');
}

/** A short, non-secret reference to a verification for the audit trail (never the whole id). */
const refOf = (id: string) => id.slice(0, 8);

const TEMP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * A temporary password an operator can read out: four groups of five from an alphabet without look-alikes
 * (no 0/O, 1/l/I), joined by hyphens — 23 characters, about 137 bits from a CSPRNG, with upper and lower case,
 * a digit and a symbol, so it satisfies length and complexity rules (AD complexity, ppolicy quality).
 */
export function temporaryPassword(): string {
  for (;;) {
    const groups = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => TEMP_ALPHABET[randomInt(TEMP_ALPHABET.length)]).join(''));
    const password = groups.join('-');
    if (/[A-Z]/.test(password) && /[a-z]/.test(password) && /\d/.test(password)) return password;
  }
}

/**
 * Helpdesk caller verification, transport-free (the console page and the admin API drive the same code):
 * the operator picks one of the user's methods; a code goes to the e-mail address or mobile number (or the caller
 * reads a code off their authenticator app); the operator types what the caller reads out. A correct code opens
 * a window in which reset and unlock are enabled — for this operator and this user only, held in the store so it
 * survives a restart and holds on every node. Wrong codes count: after `maxTries` the verification is void. A user
 * without any method may still be helped, but only after the operator records why (audited). Every step is audited.
 */
export class CallerVerification {
  constructor(private readonly deps: HelpdeskDeps) {}

  /** The methods that can verify a caller for this user, in a stable order. */
  async methodsFor(user: DirectoryUser): Promise<CallerMethod[]> {
    const registrations = await this.deps.registrations.listForUser(user.id);
    const methods: CallerMethod[] = [];
    for (const registration of registrations) {
      const method = this.describe(user, registration);
      if (method) methods.push(method);
    }
    if (await this.deps.contactDataCounts()) {
      if (user.email && !methods.some((m) => m.type === 'email')) methods.push({ id: 'directory-email', type: 'email', hint: maskEmail(user.email) });
      if (user.mobile && this.deps.sms && !methods.some((m) => m.type === 'sms')) methods.push({ id: 'directory-mobile', type: 'sms', hint: maskPhoneNumber(user.mobile) });
    }
    return methods;
  }

  private describe(user: DirectoryUser, registration: Registration): CallerMethod | null {
    switch (registration.type) {
      case 'email': {
        const to = emailTarget(user, registration);
        return to ? { id: registration.id, type: 'email', hint: maskEmail(to) } : null;
      }
      case 'sms': {
        const to = smsTarget(user, registration);
        return to && this.deps.sms ? { id: registration.id, type: 'sms', hint: maskPhoneNumber(to) } : null;
      }
      case 'totp':
        return { id: registration.id, type: 'totp', hint: totpData.parse(registration.data).label };
      default:
        return null;
    }
  }

  /**
   * Begins a verification with one of the user's methods: sends a code (e-mail, SMS) or, for an authenticator,
   * waits for the code the caller reads off the app. Returns the verification's id.
   */
  async start(operator: HelpdeskOperator, user: DirectoryUser, methodId: string, request: MethodRequest): Promise<{ id: string; method: CallerMethod }> {
    assertMayActOn(operator, user);
    const method = (await this.methodsFor(user)).find((m) => m.id === methodId);
    if (!method) throw new SsprError('helpdesk-method-unavailable');
    const id = randomBytes(18).toString('base64url');
    const now = this.deps.clock.now();
    await this.deps.verifications.create({ id, userId: user.id, operator: operator.label, method: method.type, registrationId: method.id, reason: null, createdAt: now, grantUntil: null });
    await this.record('helpdesk-verify-start', 'info', operator, user, request, { verification: refOf(id), method: method.type });
    if (method.type !== 'totp') await this.sendCode(operator, user, id, method, request);
    return { id, method };
  }

  /** Sends a fresh code for a code-by-message verification (the earlier one is void), within the send limit. */
  async resend(operator: HelpdeskOperator, user: DirectoryUser, id: string, request: MethodRequest): Promise<CallerMethod> {
    const verification = await this.own(operator, user, id);
    const method = (await this.methodsFor(user)).find((m) => m.id === verification.registrationId);
    if (!method || method.type === 'totp') throw new SsprError('helpdesk-method-unavailable');
    await this.sendCode(operator, user, id, method, request);
    return method;
  }

  private async sendCode(operator: HelpdeskOperator, user: DirectoryUser, id: string, method: CallerMethod, request: MethodRequest): Promise<void> {
    const now = this.deps.clock.now();
    if ((await this.deps.verifications.sendsSince(user.id, now - 3_600_000)) >= helpdeskLimits.maxSendsPerUserPerHour) {
      await this.record('helpdesk-code-sent', 'failure', operator, user, request, { verification: refOf(id), method: method.type, reason: 'helpdesk-send-limit' });
      throw new SsprError('helpdesk-send-limit');
    }
    const code = numericCode(helpdeskLimits.codeLength);
    if (!(await this.deps.verifications.replaceCode(id, this.digest(id, code), now + helpdeskLimits.codeTtlMs))) throw new SsprError('helpdesk-verification-void');
    const to = await this.targetOf(user, method);
    if (!to) throw new SsprError('helpdesk-method-unavailable');
    const minutes = Math.round(helpdeskLimits.codeTtlMs / 60_000);
    const tag = { purpose: 'helpdesk-code', userId: user.id, username: user.username };
    const { organisation } = this.deps;
    if (method.type === 'email') this.deps.mail.dispatch(helpdeskCodeMail(request.lang, to, { organisation, code, minutes }), tag);
    else this.deps.sms?.dispatch({ to, text: message(request.lang, 'helpdesk.code.sms', { organisation, code }) }, tag);
    await this.record('helpdesk-code-sent', 'success', operator, user, request, { verification: refOf(id), method: method.type });
  }

  private async targetOf(user: DirectoryUser, method: CallerMethod): Promise<string | null> {
    if (method.id === 'directory-email') return user.email;
    if (method.id === 'directory-mobile') return user.mobile;
    const registration = await this.deps.registrations.find(user.id, method.id);
    if (!registration) return null;
    return method.type === 'email' ? emailTarget(user, registration) : smsTarget(user, registration);
  }

  private digest(id: string, code: string): string {
    return hmac(this.deps.codeKey, 'helpdesk', id, code);
  }

  /**
   * Checks the code the caller read out. Right: the window opens (returns its end). Wrong: `code-wrong` with the
   * tries left; the last wrong try voids the verification (`helpdesk-verification-void`).
   */
  async check(operator: HelpdeskOperator, user: DirectoryUser, id: string, response: string, request: MethodRequest): Promise<{ until: number }> {
    const verification = await this.own(operator, user, id);
    const code = response.replace(/[\s-]/g, '');
    if (!/^\d{6}$/.test(code)) throw new SsprError('code-malformed', { params: { length: helpdeskLimits.codeLength } });
    const now = this.deps.clock.now();
    if (verification.method !== 'totp' && (verification.codeHash === null || (verification.codeExpiresAt ?? 0) <= now)) throw new SsprError('code-expired');
    if (!(await this.deps.verifications.takeAttempt(id, helpdeskLimits.maxTries))) throw await this.voided(operator, user, verification, request);

    const right = verification.method === 'totp' ? await this.totpMatches(user, verification, code, now) : safeEqual(this.digest(id, code), verification.codeHash ?? '');
    const detail = { verification: refOf(id), method: verification.method };
    if (!right) {
      const remaining = helpdeskLimits.maxTries - (verification.attempts + 1);
      await this.record('helpdesk-verify', 'failure', operator, user, request, { ...detail, reason: 'code-wrong', remaining });
      if (remaining <= 0) throw await this.voided(operator, user, verification, request);
      throw new SsprError('code-wrong', { params: { remaining } });
    }
    const until = now + helpdeskLimits.grantMs;
    if (!(await this.deps.verifications.grant(id, now, until))) throw new SsprError('helpdesk-verification-void');
    await this.record('helpdesk-verify', 'success', operator, user, request, detail);
    return { until };
  }

  private async totpMatches(user: DirectoryUser, verification: HelpdeskVerification, code: string, now: number): Promise<boolean> {
    const registration = verification.registrationId ? await this.deps.registrations.find(user.id, verification.registrationId) : null;
    if (!registration || registration.type !== 'totp') return false;
    const data = totpData.parse(registration.data);
    const result = verifyTotp(data.secret, code, { now, lastUsedStep: data.lastStep });
    // The step is remembered as for a sign-in: the code read out cannot be used again (RFC 6238 §5.2).
    return result.ok && (await this.deps.registrations.replaceData(registration, { ...data, lastStep: result.step }));
  }

  private async voided(operator: HelpdeskOperator, user: DirectoryUser, verification: HelpdeskVerification, request: MethodRequest): Promise<SsprError> {
    await this.deps.verifications.void(verification.id, this.deps.clock.now());
    await this.record('helpdesk-verify', 'failure', operator, user, request, { verification: refOf(verification.id), method: verification.method, reason: 'helpdesk-verification-void' });
    return new SsprError('helpdesk-verification-void');
  }

  /**
   * For a user without any method that can verify a caller: the operator records why they act anyway (audited
   * with the text); reset and unlock are then enabled for the same window as after a correct code.
   */
  async recordReason(operator: HelpdeskOperator, user: DirectoryUser, reason: string, request: MethodRequest): Promise<{ until: number }> {
    assertMayActOn(operator, user);
    const text = reason.trim().replace(/\s+/g, ' ').slice(0, 500);
    if (text.length < helpdeskLimits.minReasonLength) throw new SsprError('helpdesk-reason-required');
    if ((await this.methodsFor(user)).length > 0) throw new SsprError('helpdesk-has-method');
    const id = randomBytes(18).toString('base64url');
    const now = this.deps.clock.now();
    const until = now + helpdeskLimits.grantMs;
    await this.deps.verifications.create({ id, userId: user.id, operator: operator.label, method: 'reason', registrationId: null, reason: text, createdAt: now, grantUntil: until });
    await this.record('helpdesk-reason-recorded', 'success', operator, user, request, { verification: refOf(id), method: 'reason', text });
    return { until };
  }

  /** The operator's open window for this user, or null. */
  async window(operator: HelpdeskOperator, user: DirectoryUser): Promise<HelpdeskVerification | null> {
    return this.deps.verifications.liveGrant(operator.label, user.id, this.deps.clock.now());
  }

  /**
   * Resets the password through the one password use-case, only inside the operator's window (which the reset
   * closes; a reset also clears a directory lockout): a generated
   * temporary password (returned to be shown once) or a typed one. `mustChange` where the account's directory
   * cannot carry it (cloud-only, or agents too old) is refused before anything changes
   * (writeback-must-change-unsupported, the window stays open): the flag is never dropped silently.
   */
  async reset(operator: HelpdeskOperator, user: DirectoryUser, input: { password?: string; mustChange: boolean }, request: MethodRequest): Promise<{ temporaryPassword: string | null; mustChange: boolean }> {
    const grant = await this.granted(operator, user, request);
    const typed = input.password !== undefined && input.password !== '';
    const password = typed ? (input.password as string) : temporaryPassword();
    const mustChange = input.mustChange;
    // The account directory refuses a mustChange it cannot carry (audited by the use-case as the act's failure).
    await this.deps.setPassword.run(user, { origin: 'helpdesk-reset', password, by: operator.label, mustChange, verification: refOf(grant.id) }, { request });
    // One verification, one reset: the window closes, so a repeated request (a reloaded page) cannot reset again.
    await this.deps.verifications.closeFor(operator.label, user.id, this.deps.clock.now());
    return { temporaryPassword: typed ? null : password, mustChange };
  }

  /** Clears the directory lockout through the one password use-case, only inside the operator's window. */
  async unlock(operator: HelpdeskOperator, user: DirectoryUser, request: MethodRequest): Promise<void> {
    const grant = await this.granted(operator, user, request);
    await this.deps.setPassword.run(user, { origin: 'helpdesk-unlock', by: operator.label, verification: refOf(grant.id) }, { request });
  }

  /**
   * The checks before acting for a caller, in one place: the operator may act on this account, and holds a live
   * window for it. The console-auth work adds its "recent step-up before acting for others" check here.
   */
  private async granted(operator: HelpdeskOperator, user: DirectoryUser, request: MethodRequest): Promise<HelpdeskVerification> {
    try {
      assertMayActOn(operator, user);
    } catch (error) {
      await this.deps.audit.record({ event: 'helpdesk-refused', outcome: 'failure', userId: user.id, username: user.username, ip: request.ip || null, detail: { by: operator.label, reason: 'helpdesk-target-refused' } });
      throw error;
    }
    const grant = await this.window(operator, user);
    if (!grant) {
      await this.deps.audit.record({ event: 'helpdesk-refused', outcome: 'failure', userId: user.id, username: user.username, ip: request.ip || null, detail: { by: operator.label, reason: 'helpdesk-not-verified' } });
      throw new SsprError('helpdesk-not-verified');
    }
    return grant;
  }

  /** The operator's verification in progress for this user, or null when it is not theirs, void or passed. */
  async pending(operator: HelpdeskOperator, user: DirectoryUser, id: string): Promise<HelpdeskVerification | null> {
    try {
      return await this.own(operator, user, id);
    } catch {
      return null;
    }
  }

  /** A verification of this operator for this user (anything else reads as void: ids are not shared). */
  private async own(operator: HelpdeskOperator, user: DirectoryUser, id: string): Promise<HelpdeskVerification> {
    assertMayActOn(operator, user);
    const verification = await this.deps.verifications.get(id);
    if (!verification || verification.operator !== operator.label || verification.userId !== user.id || verification.voidedAt !== null || verification.verifiedAt !== null) {
      throw new SsprError('helpdesk-verification-void');
    }
    return verification;
  }

  private record<E extends 'helpdesk-verify-start' | 'helpdesk-code-sent' | 'helpdesk-verify' | 'helpdesk-reason-recorded'>(
    event: E,
    outcome: 'success' | 'failure' | 'info',
    operator: HelpdeskOperator,
    user: DirectoryUser,
    request: MethodRequest,
    detail: Omit<import('../../audit/audit-events.js').AuditDetail<E>, 'by'>,
  ): Promise<void> {
    return this.deps.audit.record({ event, outcome, userId: user.id, username: user.username, ip: request.ip || null, userAgent: request.userAgent || null, detail: { by: operator.label, ...detail } as import('../../audit/audit-events.js').AuditDetail<E> });
  }
}
