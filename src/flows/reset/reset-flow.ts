import { randomUUID } from 'node:crypto';
import type { Directory, DirectoryUser } from '../../directory/directory.js';
import type { FlowRecord, FlowsRepository, OfferedMethod } from '../../store/flows-repository.js';
import type { SessionsRepository } from '../../store/sessions-repository.js';
import type { Clock } from '../../store/clock.js';
import type { Audit } from '../../audit/audit.js';
import type { MethodRequest, VerificationMethod, MethodType } from '../../methods/method.js';
import type { PasswordChecker, PasswordSubject } from '../../policy/password-checker.js';
import type { MailDispatch } from '../../mail/mail-dispatch.js';
import { decoyEmailHint } from '../../methods/hints.js';
import { randomToken, tokenDigest } from '../../crypto/tokens.js';
import { resetNoticeMail } from '../../mail/templates.js';
import { SsprError } from '../../errors/sspr-error.js';

export interface ResetFlowSettings {
  flowTtlSeconds: number;
  maxSendsPerFlow: number;
  organisation: string;
}

export interface ResetFlowDeps {
  directory: Directory;
  flows: FlowsRepository;
  sessions: SessionsRepository;
  methods: Map<MethodType, VerificationMethod>;
  passwords: PasswordChecker;
  mail: MailDispatch;
  audit: Audit;
  clock: Clock;
  /** The mail domain most users have, for plausible decoy hints. */
  usualEmailDomain: () => string | null;
  settings: ResetFlowSettings;
}

export type FlowStep = 'choose-method' | 'enter-code' | 'new-password' | 'done';

export interface FlowView {
  methods: OfferedMethod[];
  required: number;
  verified: string[];
  /** The method a code was last requested for in this flow, if any. */
  step: FlowStep;
  expiresAt: number;
}

const MAX_USERNAME_LENGTH = 256;

/**
 * Forgot-password, transport-free: start → send → verify → password. The HTML pages, the JSON API and the
 * tests drive this same code. Contracts (OWASP Forgot Password, Entra SSPR):
 * - `start` answers an unknown (or disabled, or unreachable) user exactly like a known one — same shape,
 *   same work, plausible hints — and nothing is ever sent for it;
 * - nothing about the account changes until enough methods are verified; the order is enforced here;
 * - a reset never signs the user in, ends their sessions, and notifies them afterwards.
 */
export class ResetFlow {
  constructor(private readonly deps: ResetFlowDeps) {}

  async start(usernameInput: string, request: MethodRequest): Promise<{ flowId: string; methods: OfferedMethod[]; required: number; expiresAt: number }> {
    const typed = usernameInput.normalize('NFC').trim();
    if (typed.length === 0 || typed.length > MAX_USERNAME_LENGTH || /\p{Cc}/u.test(typed)) {
      throw new SsprError('invalid-request', { params: { detail: 'enter a user name of 1 to 256 characters' } });
    }
    const { directory, clock, settings } = this.deps;
    const user = await directory.findUser(typed);
    const username = user?.username ?? typed;
    const methods = this.offeredMethods(user);
    const eligible = user !== null && user.enabled && methods.length > 0;
    const flowId = randomToken();
    const digest = tokenDigest(flowId);
    const expiresAt = clock.now() + settings.flowTtlSeconds * 1000;
    const offered = eligible ? methods : [{ id: randomUUID(), type: 'email' as const, hint: decoyEmailHint(username, this.deps.usualEmailDomain()) }];
    await this.deps.flows.create({ digest, userId: eligible ? user.id : null, username, methods: offered, required: 1, expiresAt }, clock.now());
    await this.audit(request, 'reset-start', eligible ? 'success' : 'failure', digest, user, username, {
      ...(eligible ? {} : { reason: user === null ? 'unknown-user' : !user.enabled ? 'account-disabled' : 'no-methods' }),
    });
    return { flowId, methods: offered, required: 1, expiresAt };
  }

  /** Where the flow stands (for pages that render the next step). */
  async view(flowId: string): Promise<FlowView> {
    const flow = await this.live(flowId);
    const step: FlowStep =
      flow.state === 'completed' ? 'done' : flow.state === 'started' ? (flow.sends > 0 ? 'enter-code' : 'choose-method') : 'new-password';
    return { methods: flow.methods, required: flow.required, verified: flow.verified, step, expiresAt: flow.expiresAt };
  }

  async send(flowId: string, methodId: string, request: MethodRequest): Promise<{ hint: string; expiresInSeconds: number }> {
    const flow = await this.live(flowId);
    this.expectState(flow, 'started');
    const offered = this.offeredById(flow, methodId);
    if (!(await this.deps.flows.takeSend(flow.digest, this.deps.settings.maxSendsPerFlow))) {
      await this.audit(request, 'reset-send', 'failure', flow.digest, null, flow.username, { method: offered.type, reason: 'code-send-limit' });
      throw new SsprError('code-send-limit');
    }
    // The lookup runs for decoy flows too, so a real and a decoy send cost the same.
    const found = await this.deps.directory.findUser(flow.username);
    const user = flow.userId !== null && found?.id === flow.userId ? found : null;
    const challenge = await this.method(offered).begin(flow, offered, user, request);
    await this.audit(request, 'reset-send', 'success', flow.digest, user, flow.username, { method: offered.type });
    return challenge;
  }

  async verify(flowId: string, methodId: string, response: string, request: MethodRequest): Promise<{ verified: string[]; required: number; complete: boolean }> {
    const flow = await this.live(flowId);
    this.expectState(flow, 'started');
    const offered = this.offeredById(flow, methodId);
    try {
      await this.method(offered).verify(flow, offered, response);
    } catch (error) {
      await this.audit(request, 'reset-verify', 'failure', flow.digest, null, flow.username, {
        method: offered.type,
        reason: error instanceof SsprError ? error.code : 'internal',
      });
      throw error;
    }
    const verified = [...new Set([...flow.verified, offered.id])];
    const complete = verified.length >= flow.required;
    await this.deps.flows.markVerified(flow.digest, verified, complete);
    await this.audit(request, 'reset-verify', 'success', flow.digest, null, flow.username, { method: offered.type });
    return { verified, required: flow.required, complete };
  }

  async setPassword(flowId: string, password: string, request: MethodRequest): Promise<{ done: true }> {
    const flow = await this.live(flowId);
    this.expectState(flow, 'verified');
    const user = await this.userOf(flow);
    const verdict = await this.deps.passwords.check(password, this.subjectOf(user), request.lang);
    if (!verdict.accepted) {
      await this.audit(request, 'reset-password', 'failure', flow.digest, user, flow.username, {
        reason: 'password-rejected',
        rules: verdict.reasons.map((r) => r.code).join(','),
      });
      throw new SsprError('password-rejected', {
        params: { reasons: verdict.reasons.map((r) => r.message).join(' ') },
        details: { reasons: verdict.reasons },
      });
    }
    if (!(await this.deps.flows.transition(flow.digest, 'verified', 'completing'))) throw new SsprError('flow-completed');
    try {
      await this.deps.directory.resetPassword(user, password.normalize('NFC'));
    } catch (error) {
      await this.deps.flows.transition(flow.digest, 'completing', 'verified');
      await this.audit(request, 'reset-password', 'failure', flow.digest, user, flow.username, {
        reason: error instanceof SsprError ? error.code : 'internal',
      });
      throw error;
    }
    await this.deps.flows.transition(flow.digest, 'completing', 'completed');
    await this.deps.flows.deleteCodes(flow.digest);
    await this.deps.sessions.deleteForUser(user.id);
    await this.audit(request, 'reset-password', 'success', flow.digest, user, flow.username, {});
    if (user.email) {
      const notice = resetNoticeMail(request.lang, user.email, { organisation: this.deps.settings.organisation, at: new Date(this.deps.clock.now()), ip: request.ip });
      this.deps.mail.dispatch(notice, { purpose: 'reset-notice', userId: user.id, username: user.username });
    }
    return { done: true };
  }

  /** The password subject for a user: names for the personal-word rules, and their history. */
  subjectOf(user: DirectoryUser): PasswordSubject {
    return {
      username: user.username,
      displayName: user.displayName,
      firstName: user.firstName,
      lastName: user.lastName,
      isInHistory: (password) => this.deps.directory.isRecentPassword(user, password),
    };
  }

  /**
   * Live feedback while the user types: the full verdict for a verified flow's user (the only point where
   * their names may be used), else the rules that need no user. Changes nothing.
   */
  async checkPassword(flowId: string | undefined, password: string, lang: MethodRequest['lang']) {
    let subject: PasswordSubject = { username: '' };
    if (flowId) {
      const flow = await this.live(flowId).catch(() => null);
      if (flow?.state === 'verified') subject = this.subjectOf(await this.userOf(flow));
    }
    return this.deps.passwords.check(password, subject, lang);
  }

  private offeredMethods(user: DirectoryUser | null): OfferedMethod[] {
    if (!user) return [];
    const offered: OfferedMethod[] = [];
    for (const method of this.deps.methods.values()) {
      const offer = method.offer(user);
      if (offer) offered.push({ id: randomUUID(), type: method.type, hint: offer.hint });
    }
    return offered;
  }

  private async live(flowId: string): Promise<FlowRecord> {
    if (typeof flowId !== 'string' || flowId.length < 16 || flowId.length > 64) throw new SsprError('flow-invalid');
    const flow = await this.deps.flows.findLive(tokenDigest(flowId), this.deps.clock.now());
    if (!flow) throw new SsprError('flow-invalid');
    return flow;
  }

  private expectState(flow: FlowRecord, expected: FlowRecord['state']): void {
    if (flow.state === expected) return;
    if (flow.state === 'completed' || flow.state === 'completing') throw new SsprError('flow-completed');
    const hint = flow.state === 'verified' ? 'you are verified; choose your new password' : 'verify your identity first';
    throw new SsprError('flow-step-out-of-order', { params: { expected: hint } });
  }

  private offeredById(flow: FlowRecord, methodId: string): OfferedMethod {
    const offered = flow.methods.find((m) => m.id === methodId);
    if (!offered) throw new SsprError('method-unknown');
    return offered;
  }

  private method(offered: OfferedMethod): VerificationMethod {
    const method = this.deps.methods.get(offered.type);
    if (!method) throw new SsprError('method-unknown');
    return method;
  }

  private async userOf(flow: FlowRecord): Promise<DirectoryUser> {
    const user = flow.userId ? await this.deps.directory.findUser(flow.username) : null;
    if (!user || user.id !== flow.userId) throw new SsprError('flow-invalid');
    return user;
  }

  private audit(
    request: MethodRequest,
    event: string,
    outcome: 'success' | 'failure',
    digest: string,
    user: DirectoryUser | null,
    username: string,
    detail: Record<string, string>,
  ): Promise<void> {
    return this.deps.audit.record({
      event,
      outcome,
      userId: user?.id ?? null,
      username,
      flow: digest.slice(0, 12),
      ip: request.ip,
      userAgent: request.userAgent,
      detail,
    });
  }
}
