import { randomBytes } from 'node:crypto';
import type { DirectoryUser } from '../directory/directory.js';
import type { SessionsRepository } from '../store/sessions-repository.js';
import type { Clock } from '../store/clock.js';
import type { Audit } from '../audit/audit.js';
import type { Challenge, MethodRequest, MethodType, VerificationMethod, VerifyInput } from '../methods/method.js';
import type { FlowRecord, FlowsRepository, OfferedMethod, Registration, RegistrationsRepository } from '../methods/records.js';
import type { SignInThrottle } from './sign-in-throttle.js';
import { renderHint } from '../methods/hints.js';
import { tokenDigest } from '../crypto/tokens.js';
import { SsprError } from '../errors/sspr-error.js';

/** The methods that count as the console's second proof: something the operator holds, not something they know. */
export const stepUpTypes = ['totp', 'passkey', 'email', 'sms'] as const satisfies readonly MethodType[];
export type StepUpType = (typeof stepUpTypes)[number];

function isStepUpType(type: string): type is StepUpType {
  return (stepUpTypes as readonly string[]).includes(type);
}

export interface ConsoleSessionSettings {
  /** A console session ends after this long without a console request. */
  idleMs: number;
  /** A session may use the console for at most this long after its sign-in. */
  absoluteMs: number;
  /** Acting for another user needs a proof at most this old. */
  recentMs: number;
  /** Codes sent per session at most (mail and SMS bombs). */
  maxSends: number;
}

export interface ConsoleState {
  /** When the session last proved a second method. */
  steppedUpAt: number;
  stepUpMethod: string | null;
}

/** One method offered for the step-up, as pages and the API show it. */
export interface StepUpOption {
  id: string;
  type: StepUpType;
  label: string;
}

interface Deps {
  sessions: SessionsRepository;
  flows: FlowsRepository;
  registrations: RegistrationsRepository;
  methods: Map<MethodType, VerificationMethod>;
  audit: Audit;
  clock: Clock;
  throttle: SignInThrottle;
  settings: ConsoleSessionSettings;
}

/**
 * The console's side of a sign-in session. A session opens the console only after a second proof (step-up): an
 * authenticator code, a passkey, or a code sent by e-mail or SMS to a method registered before the session signed
 * in (a method added with the password alone cannot be its own second proof). The console then ends the session
 * after `idleMs` without a console request or `absoluteMs` after sign-in; acting for another user needs a proof no
 * older than `recentMs`. The proof runs the methods' own reset-side `begin`/`verify` on a flow record bound to the
 * session (its sends and code attempts are limited like a reset's); wrong answers count against the sign-in
 * throttle of the operator's name, so guessing a code costs what guessing the password costs.
 */
export class ConsoleSessions {
  constructor(private readonly deps: Deps) {}

  get settings(): ConsoleSessionSettings {
    return this.deps.settings;
  }

  /**
   * The console state of a signed-in session: null when it never stepped up. Ends the session (and throws
   * `console-session-ended`) when it is past the absolute lifetime or, once stepped up, idle too long.
   */
  async state(digest: string, user: DirectoryUser, request: MethodRequest): Promise<ConsoleState | null> {
    const now = this.deps.clock.now();
    const state = await this.deps.sessions.consoleState(digest, now);
    if (!state) throw new SsprError('not-signed-in');
    const ended = now - state.createdAt > this.deps.settings.absoluteMs ? 'absolute' : state.steppedUpAt !== null && now - (state.consoleSeenAt ?? state.steppedUpAt) > this.deps.settings.idleMs ? 'idle' : null;
    if (ended) {
      await this.deps.sessions.delete(digest);
      await this.deps.audit.record({ event: 'console-session-ended', outcome: 'success', userId: user.id, username: user.username, ip: request.ip, userAgent: request.userAgent, detail: { reason: ended } });
      throw new SsprError('console-session-ended');
    }
    return state.steppedUpAt === null ? null : { steppedUpAt: state.steppedUpAt, stepUpMethod: state.stepUpMethod };
  }

  /** Records a console request: the idle timeout counts from now. */
  async touch(digest: string): Promise<void> {
    await this.deps.sessions.touchConsole(digest, this.deps.clock.now());
  }

  /** Throws `step-up-stale` unless the session's last proof is at most `recentMs` old. */
  requireRecent(state: ConsoleState): void {
    if (this.deps.clock.now() - state.steppedUpAt > this.deps.settings.recentMs) throw new SsprError('step-up-stale');
  }

  /** The methods this session may step up with (empty: the operator has none registered, or none from before sign-in). */
  async options(digest: string, user: DirectoryUser, request: MethodRequest): Promise<StepUpOption[]> {
    const flow = await this.flow(digest, user);
    return flow.methods.flatMap((m) => (isStepUpType(m.type) ? [{ id: m.id, type: m.type, label: renderHint(m.hint, request.lang) }] : []));
  }

  /** Begins a method: sends a code (counted against the session's sends) or makes passkey options. */
  async send(digest: string, user: DirectoryUser, methodId: string, request: MethodRequest): Promise<Challenge & { label: string }> {
    await this.refuseIfBlocked(user, request);
    const flow = await this.flow(digest, user);
    const offered = this.offered(flow, methodId);
    if ((offered.type === 'email' || offered.type === 'sms') && !(await this.deps.flows.takeSend(flow.digest, this.deps.settings.maxSends))) {
      throw new SsprError('code-send-limit');
    }
    const challenge = await this.method(offered.type).begin(await this.context(flow, offered, user, request));
    return { ...challenge, label: renderHint(offered.hint, request.lang) };
  }

  /** Checks the answer; on success the session holds a fresh step-up. Wrong answers count as failed sign-ins. */
  async verify(digest: string, user: DirectoryUser, methodId: string, input: VerifyInput, request: MethodRequest): Promise<void> {
    await this.refuseIfBlocked(user, request);
    const flow = await this.flow(digest, user);
    const offered = this.offered(flow, methodId);
    const ctx = await this.context(flow, offered, user, request);
    const base = { event: 'console-step-up' as const, userId: user.id, username: user.username, ip: request.ip, userAgent: request.userAgent };
    try {
      if (!ctx.registration) throw new SsprError('method-unknown');
      await this.method(offered.type).verify(ctx, input);
    } catch (error) {
      const code = error instanceof SsprError ? error.code : 'internal';
      if (code !== 'code-malformed' && code !== 'code-not-sent' && code !== 'invalid-request') await this.deps.throttle.failed(user.username, request.ip);
      await this.deps.audit.record({ ...base, outcome: 'failure', detail: { method: offered.type, reason: code } });
      throw error;
    }
    const now = this.deps.clock.now();
    if (ctx.registration) await this.deps.registrations.touch(ctx.registration.id, now);
    await this.deps.sessions.markSteppedUp(digest, offered.type, now);
    await this.deps.audit.record({ ...base, outcome: 'success', detail: { method: offered.type } });
  }

  private async refuseIfBlocked(user: DirectoryUser, request: MethodRequest): Promise<void> {
    if ((await this.deps.throttle.blockedUntil(user.username, request.ip)) !== null) throw new SsprError('sign-in-throttled');
  }

  /**
   * The session's step-up flow (one per session, living as long as it): its offered methods are the operator's
   * registrations of a step-up type made no later than the sign-in, each under a random id.
   */
  private async flow(digest: string, user: DirectoryUser): Promise<FlowRecord> {
    const now = this.deps.clock.now();
    const flowDigest = tokenDigest(`console-step-up\0${digest}`);
    const live = await this.deps.flows.findLive(flowDigest, now);
    if (live) {
      if (live.userId !== user.id) throw new SsprError('not-signed-in');
      return live;
    }
    const state = await this.deps.sessions.consoleState(digest, now);
    if (!state) throw new SsprError('not-signed-in');
    const registrations = await this.deps.registrations.listForUser(user.id);
    const methods: OfferedMethod[] = registrations
      .filter((r) => isStepUpType(r.type) && r.createdAt <= state.createdAt && this.deps.methods.has(r.type))
      .map((r) => ({ id: randomBytes(8).toString('hex'), type: r.type, hint: this.method(r.type).hint(user, r as Registration), ref: r.id }));
    const expiresAt = state.createdAt + this.deps.settings.absoluteMs;
    await this.deps.flows.create({ digest: flowDigest, userId: user.id, username: user.username, methods, required: 1, expiresAt }, now);
    return { digest: flowDigest, userId: user.id, username: user.username, state: 'started', methods, verified: [], required: 1, sends: 0, expiresAt };
  }

  private offered(flow: FlowRecord, methodId: string): OfferedMethod {
    const offered = flow.methods.find((m) => m.id === methodId);
    if (!offered) throw new SsprError('method-unknown');
    return offered;
  }

  private async context(flow: FlowRecord, method: OfferedMethod, user: DirectoryUser, request: MethodRequest) {
    const registration = (await this.deps.registrations.find(user.id, method.ref)) as Registration | null;
    return { flow, method, user, registration, request };
  }

  private method(type: MethodType): VerificationMethod {
    const method = this.deps.methods.get(type);
    if (!method) throw new SsprError('method-unknown');
    return method;
  }
}
