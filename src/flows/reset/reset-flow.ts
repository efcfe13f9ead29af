import { createHmac, randomUUID } from 'node:crypto';
import type { Directory, DirectoryUser } from '../../directory/directory.js';
import type { FlowRecord, FlowsRepository, OfferedMethod, RegistrationsRepository, Registration } from '../../methods/records.js';
import type { GroupsRepository } from '../../store/groups-repository.js';
import type { LicencesRepository } from '../../store/licences-repository.js';
import { usernameKey } from '../../store/users-repository.js';
import type { Clock } from '../../store/clock.js';
import type { Audit } from '../../audit/audit.js';
import type { AuditDetail, AuditEventName } from '../../audit/audit-events.js';
import type { Lang } from '../../i18n/lang.js';
import type { MethodRequest, VerificationMethod, MethodType, Challenge, VerifyInput } from '../../methods/method.js';
import { rulesFor, type PasswordChecker, type PasswordSubject } from '../../policy/password-checker.js';
import type { PasswordSettings } from '../../password-policy/index.js';
import type { PolicyStore } from '../../policy/policy-store.js';
import type { Throttles } from '../../policy/throttles.js';
import type { MailDispatch } from '../../delivery/background-delivery.js';
import { decideEligibility, scopeFactsNeeded, scopeRefusal, type Refusal } from '../../policy/eligibility.js';
import { deliverablePolicy, type SsprPolicy } from '../../policy/sspr-policy.js';
import { decoyEmailHint, renderHint } from '../../methods/hints.js';
import type { DecoyRing } from './decoy-ring.js';
import { maskPhoneNumber } from '../../methods/phone/phone-number.js';
import { randomToken, tokenDigest } from '../../crypto/tokens.js';
import { refusalNoticeMail } from '../../mail/templates.js';
import type { AfterAnswer } from './after-answer.js';
import { passwordSubjectOf, type FlowClaim, type SetPassword } from '../password/set-password.js';
import { SsprError } from '../../errors/sspr-error.js';

export interface ResetFlowSettings {
  flowTtlSeconds: number;
  /** How long a claim on a flow's final step holds before a retry may take it over (longer than any write takes). */
  completionLeaseSeconds: number;
  maxSendsPerFlow: number;
  organisation: string;
}

/** What the flow uses of each part (narrow, so rules can be tested with fakes). */
export interface ResetFlowDeps {
  directory: Pick<Directory, 'findUser' | 'findUserById' | 'isRecentPassword' | 'directoryPolicyFor'>;
  flows: Pick<FlowsRepository, 'create' | 'findLive' | 'takeSend' | 'markVerified' | 'claim'>;
  registrations: Pick<RegistrationsRepository, 'listForUser' | 'find' | 'touch'>;
  groups: Pick<GroupsRepository, 'groupsOfUser'>;
  licences: Pick<LicencesRepository, 'plansOf'>;
  policy: Pick<PolicyStore, 'current'>;
  throttles: Pick<Throttles, 'blockedUntil' | 'emailSent' | 'smsSent' | 'validation' | 'failedProof' | 'takeRefusalNotice'>;
  methods: Map<MethodType, VerificationMethod>;
  passwords: PasswordChecker;
  /** The one place a password is set, with its follow-ups. */
  setPassword: Pick<SetPassword, 'run'>;
  mail: Pick<MailDispatch, 'dispatch'>;
  /** Work that must not change the answer's timing (refusal notices) runs here, after the answer. */
  afterAnswer: Pick<AfterAnswer, 'run'>;
  audit: Pick<Audit, 'record'>;
  clock: Clock;
  /**
   * Keyed randomness for decoys (the same unknown name always gets the same plausible methods), and the key of
   * the hash a flow keeps of a name that names no account.
   */
  decoyKey: Buffer;
  /** Real accounts that stand in for names without an answer of their own. */
  decoys: DecoyRing;
  /** The mail domain most users have, for plausible decoy hints. */
  usualEmailDomain: () => string | null;
  /**
   * Whether the directory holds the account locked right now: true, false, or null when the state cannot be
   * read (no path to the directory, an inspection that failed). Absent: the state is never readable.
   */
  lockedInDirectory?: (user: DirectoryUser) => Promise<boolean | null>;
  settings: ResetFlowSettings;
}

export type FlowStep = 'choose-method' | 'enter-code' | 'new-password' | 'done';

/** A method as clients see it: no internal reference, the hint in the reader's language. */
export type PublicMethod = Pick<OfferedMethod, 'id' | 'type'> & { hint: string };

/** A challenge as clients see it, with the method's hint in the reader's language. */
export type ShownChallenge = Challenge & { hint: string };

export interface FlowView {
  methods: PublicMethod[];
  required: number;
  verified: string[];
  step: FlowStep;
  expiresAt: number;
}

const MAX_USERNAME_LENGTH = 256;
/** How long the new-password page waits for the directory to say whether the account is locked; then: unknown. */
const LOCK_STATE_WAIT_MS = 2_000;
/** A user id that never exists (ids are UUIDs). */
const NOBODY = 'nobody';
/**
 * A decoy method's reference: `decoy`, or `decoy:<stand-in's user id>:<its registration ref>` for a method
 * taken from a stand-in account. It stays on the server (PublicMethod never carries `ref`).
 */
const DECOY = 'decoy';
const isDecoy = (ref: string): boolean => ref === DECOY || ref.startsWith(`${DECOY}:`);
const standInRef = (userId: string, ref: string): string => `${DECOY}:${userId}:${ref}`;
function standInOf(ref: string): { userId: string; ref: string } | null {
  const [prefix, userId, ...rest] = ref.split(':');
  return prefix === DECOY && userId && rest.length > 0 ? { userId, ref: rest.join(':') } : null;
}
const publicMethod = (lang: Lang) => ({ id, type, hint }: OfferedMethod): PublicMethod => ({ id, type, hint: renderHint(hint, lang) });

/** The error a refusal answers with, with the params its code's sentence takes: only `methods-registered` names a count. */
function refusalError(refusal: Refusal): SsprError {
  return refusal.code === 'methods-registered' ? new SsprError(refusal.code, { params: { required: refusal.detail.required } }) : new SsprError(refusal.code);
}

/**
 * Forgot-password, transport-free: start → send (begin a method) → verify → … → password. The HTML pages,
 * the JSON API and the tests drive this same code. Contracts (OWASP Forgot Password, Entra SSPR):
 * - `start` answers an unknown, disabled, not-enabled, unlicensed or unregistered user like an eligible one —
 *   same shape, same work, plausible methods — and nothing is ever sent for it; a known user learns the
 *   precise reason by e-mail (policy `refusalNotice: email`, the default) or on the page (`page`);
 * - throttles are counted per flow subject — the account's name, or for a name that names no account a keyed
 *   hash of it — checked at `start` and every later step alike, so a blocked unknown name answers like a
 *   blocked real one; the hash is all a flow row keeps of such a name (people type their e-mail address);
 * - nothing about the account changes until the required number of distinct method types is verified
 *   (administrators: two, never security questions); the order is enforced here;
 * - a reset never signs the user in; its password is set through SetPassword, whose table ends the user's
 *   sessions and other flows, clears their throttles and notifies them; a crash mid-way leaves the flow
 *   `completing`, and a retry after the claim's lease finishes it.
 */
export class ResetFlow {
  constructor(private readonly deps: ResetFlowDeps) {}

  async start(usernameInput: string, request: MethodRequest): Promise<{ flowId: string; methods: PublicMethod[]; required: number; expiresAt: number }> {
    const typed = usernameInput.normalize('NFC').trim();
    if (typed.length === 0 || typed.length > MAX_USERNAME_LENGTH || /\p{Cc}/u.test(typed)) {
      throw new SsprError('invalid-request', { params: { problem: 'usernameLength' } });
    }
    const { directory, clock, settings } = this.deps;
    const policy = await this.effectivePolicy();
    const user = await directory.findUser(typed);
    const username = user?.username ?? this.nameDigest(typed);
    await this.refuseIfBlocked(username, request, user?.username ?? typed);
    // The same lookups run for unknown names (against an id nobody has), so both answers cost the same.
    const own = await this.answerOf(user, policy);
    const eligibility = own.eligibility;
    // Names without an answer of their own get a stand-in's (decoy-ring.ts); every name pays for two stand-ins.
    const standIns = [await this.standInAnswer(typed, 0, policy), await this.standInAnswer(typed, 1, policy)];
    const standIn = standIns.find((answer) => answer !== null);

    let offered: OfferedMethod[];
    let required: number;
    if (own.answer) {
      ({ offered, required } = own.answer);
    } else if (standIn) {
      offered = standIn.offered.map((m) => ({ ...m, ref: standInRef(standIn.userId, m.ref) }));
      required = standIn.required;
    } else {
      offered = this.decoyMethods(typed, policy);
      required = policy.methodsRequired;
    }

    const flowId = randomToken();
    const digest = tokenDigest(flowId);
    const expiresAt = clock.now() + settings.flowTtlSeconds * 1000;
    const eligibleUser = user && eligibility?.eligible ? user : null;
    await this.deps.flows.create({ digest, userId: eligibleUser?.id ?? null, username, methods: offered, required, expiresAt }, clock.now());
    const refusal = eligibility && !eligibility.eligible ? eligibility.refusal : null;
    await this.audit(request, 'reset-start', eligibleUser ? 'success' : 'failure', digest, user, user?.username ?? typed, {
      ...(user === null ? { reason: 'unknown-user' } : refusal ? { reason: refusal.code } : {}),
    });
    if (user && refusal) this.tellRefusal(user, refusal, policy, request);
    return { flowId, methods: offered.map(publicMethod(request.lang)), required, expiresAt };
  }

  /** Where the flow stands (for pages that render the next step), its hints in the reader's language. */
  async view(flowId: string, lang: Lang): Promise<FlowView> {
    const flow = await this.live(flowId);
    const step: FlowStep =
      flow.state === 'completed' ? 'done' : flow.state === 'started' ? (flow.sends > 0 ? 'enter-code' : 'choose-method') : 'new-password';
    return { methods: flow.methods.map(publicMethod(lang)), required: flow.required, verified: flow.verified, step, expiresAt: flow.expiresAt };
  }

  /** Begins the chosen method: sends a code, draws questions, or makes passkey options. */
  async send(flowId: string, methodId: string, request: MethodRequest): Promise<ShownChallenge> {
    const flow = await this.live(flowId);
    this.expectState(flow, 'started');
    const offered = this.offeredById(flow, methodId);
    if (flow.verified.includes(offered.id)) throw new SsprError('flow-step-out-of-order', { params: { expected: 'alreadyVerified' } });
    const policy = await this.deps.policy.current();
    await this.refuseIfBlocked(flow.username, request);
    if (!(await this.deps.flows.takeSend(flow.digest, this.deps.settings.maxSendsPerFlow))) {
      await this.audit(request, 'reset-send', 'failure', flow.digest, null, flow.username, { method: offered.type, reason: 'code-send-limit' });
      throw new SsprError('code-send-limit');
    }
    const ctx = await this.contextOf(flow, offered, request, 'begin');
    const challenge = await this.method(offered.type).begin(ctx);
    const key = usernameKey(flow.username);
    if (offered.type === 'email') await this.deps.throttles.emailSent(key, policy);
    if (offered.type === 'sms') await this.deps.throttles.smsSent(key, policy);
    await this.audit(request, 'reset-send', 'success', flow.digest, ctx.user, flow.username, { method: offered.type });
    return { hint: renderHint(offered.hint, request.lang), ...challenge };
  }

  async verify(flowId: string, methodId: string, input: VerifyInput, request: MethodRequest): Promise<{ verified: string[]; required: number; complete: boolean }> {
    const flow = await this.live(flowId);
    this.expectState(flow, 'started');
    const offered = this.offeredById(flow, methodId);
    const policy = await this.deps.policy.current();
    await this.refuseIfBlocked(flow.username, request);
    const key = usernameKey(flow.username);
    const ctx = await this.contextOf(flow, offered, request, 'verify');
    await this.deps.throttles.validation(key, offered.type, policy);
    try {
      if (!ctx.user && !isDecoy(offered.ref)) throw new SsprError('flow-invalid');
      await this.method(offered.type).verify(ctx, input);
      // A decoy runs its method's checks without a registration, which fail; this line only backs them up.
      if (!ctx.user) throw new SsprError('flow-invalid');
    } catch (error) {
      const code = error instanceof SsprError ? error.code : 'internal';
      if (code !== 'code-malformed' && code !== 'code-not-sent' && code !== 'invalid-request') await this.deps.throttles.failedProof(key, policy);
      await this.audit(request, 'reset-verify', 'failure', flow.digest, ctx.user, flow.username, { method: offered.type, reason: code });
      throw error;
    }
    if (ctx.registration) await this.deps.registrations.touch(ctx.registration.id, this.deps.clock.now());
    const verified = [...new Set([...flow.verified, offered.id])];
    const types = new Set(flow.methods.filter((m) => verified.includes(m.id)).map((m) => m.type));
    const complete = types.size >= flow.required;
    await this.deps.flows.markVerified(flow.digest, verified, complete);
    await this.audit(request, 'reset-verify', 'success', flow.digest, ctx.user, flow.username, { method: offered.type });
    return { verified, required: flow.required, complete };
  }

  async setPassword(flowId: string, password: string, request: MethodRequest): Promise<{ done: true }> {
    const { user, claim } = await this.claimVerified(flowId, request, 'reset-password');
    await this.deps.setPassword.run(user, { origin: 'self-service-reset', password, flow: claim }, { request, flowRef: claim.digest.slice(0, 12) });
    return { done: true };
  }

  /**
   * Unlock only: a verified user whose account the directory locked (bad sign-ins) clears the lockout and keeps
   * their password. Ends the flow like a reset; cloud-only accounts have no lockout and just complete.
   */
  async unlock(flowId: string, request: MethodRequest): Promise<{ done: true }> {
    const flow = await this.live(flowId);
    if (flow.state === 'verified' && !(await this.unlockApplies(await this.userOf(flow)))) {
      throw new SsprError('flow-step-out-of-order', { params: { expected: 'newPassword' } });
    }
    const { user, claim } = await this.claimVerified(flowId, request, 'unlock-account');
    await this.deps.setPassword.run(user, { origin: 'unlock', flow: claim }, { request, flowRef: claim.digest.slice(0, 12) });
    return { done: true };
  }

  /**
   * Whether "unlock only" is offered to a verified flow: only for a directory account (cloud-only accounts have
   * no lockout) that is locked, or whose state cannot be read (then the unlock is the user's to try). False for
   * any flow that is not verified.
   */
  async unlockOffered(flowId: string): Promise<boolean> {
    const flow = await this.live(flowId);
    if (flow.state !== 'verified') return false;
    return this.unlockApplies(await this.userOf(flow));
  }

  private async unlockApplies(user: DirectoryUser): Promise<boolean> {
    if (user.source === 'local') return false;
    if (!this.deps.lockedInDirectory) return true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), LOCK_STATE_WAIT_MS);
    });
    const locked = await Promise.race([this.deps.lockedInDirectory(user).catch(() => null), late]).finally(() => clearTimeout(timer));
    return locked !== false;
  }

  /**
   * Claims a verified flow for its final step. A flow left `completing` by a request that died takes a retry once
   * the claim's lease has run out; while a live request holds it, the answer is `flow-completing`. An account out
   * of scope by now is refused before the claim (`refuseIfOutOfScope`).
   */
  private async claimVerified(flowId: string, request: MethodRequest, event: 'reset-password' | 'unlock-account'): Promise<{ user: DirectoryUser; claim: FlowClaim }> {
    const flow = await this.live(flowId);
    if (flow.state !== 'completing') this.expectState(flow, 'verified');
    const user = await this.userOf(flow);
    await this.refuseIfOutOfScope(flow, user, request, event);
    const now = this.deps.clock.now();
    const claimedAt = await this.deps.flows.claim(flow.digest, now, this.deps.settings.completionLeaseSeconds * 1000);
    if (claimedAt === null) {
      const current = await this.deps.flows.findLive(flow.digest, now);
      throw new SsprError(current?.state === 'completed' ? 'flow-completed' : 'flow-completing');
    }
    return { user, claim: { digest: flow.digest, claimedAt } };
  }

  /** A verified flow's account as the password engine sees it (names, history, directory policy), else null. */
  private async verifiedSubject(flowId: string | undefined): Promise<PasswordSubject | null> {
    if (!flowId) return null;
    const flow = await this.live(flowId).catch(() => null);
    if (flow?.state !== 'verified') return null;
    const user = await this.userOf(flow);
    return { ...passwordSubjectOf(this.deps.directory, user), directoryPolicy: (await this.deps.directory.directoryPolicyFor?.(user)) ?? null };
  }

  /**
   * Live feedback while the user types: the full verdict for a verified flow's user (the only point where
   * their names may be used), else the rules that need no user, in the line of the client's address `from`.
   * Changes nothing.
   */
  async checkPassword(flowId: string | undefined, password: string, lang: MethodRequest['lang'], from?: string) {
    return this.deps.passwords.check(password, (await this.verifiedSubject(flowId)) ?? { username: '' }, lang, from);
  }

  /** The rules the new-password page lists before typing: ours, made stricter by the verified account's directory. */
  async passwordRules(flowId: string): Promise<PasswordSettings> {
    return rulesFor(this.deps.passwords.settings, (await this.verifiedSubject(flowId))?.directoryPolicy);
  }

  private async effectivePolicy(): Promise<SsprPolicy> {
    return deliverablePolicy(await this.deps.policy.current(), (type) => this.deps.methods.has(type));
  }

  /** The methods, hints and `required` this account is offered, or no answer when it may not reset. */
  private async answerOf(user: DirectoryUser | null, policy: SsprPolicy) {
    const subjectId = user?.id ?? NOBODY;
    const registrations = await this.deps.registrations.listForUser(subjectId);
    const { groups, plans } = await this.scopeFactsOf(subjectId, policy);
    const eligibility = user ? decideEligibility({ user, groups, plans, registrations, policy }) : null;
    if (!user || !eligibility?.eligible) return { eligibility, answer: null };
    const offered: OfferedMethod[] = eligibility.methods.map((m) => {
      const registration = registrations.find((r) => r.id === m.ref) ?? null;
      return { id: randomUUID(), type: m.type, ref: m.ref, hint: this.method(m.type).hint(user, registration) };
    });
    return { eligibility, answer: { userId: user.id, offered, required: eligibility.required } };
  }

  /**
   * The user's groups and licence plans, each read only when the policy consults it (`scopeFactsNeeded`): which
   * reads run depends on the policy alone, never on the name, so a known and an unknown name still cost the same.
   */
  private async scopeFactsOf(subjectId: string, policy: SsprPolicy): Promise<{ groups: string[]; plans: string[] }> {
    const needed = scopeFactsNeeded(policy);
    return {
      groups: needed.groups ? await this.deps.groups.groupsOfUser(subjectId) : [],
      plans: needed.plans ? await this.deps.licences.plansOf(subjectId) : [],
    };
  }

  /**
   * Eligibility is decided in full when the flow starts; its scope part is decided again before the account is
   * written, against the account, groups, licences and policy of now: an account disabled, taken out of SSPR's
   * group or scope, or left without the licence while the flow ran is refused at the final step (an access
   * decision holds at the act it guards, checked on the server for that act: OWASP ASVS 4.0 V4.1.1, V4.1.3).
   * Registrations are not asked again: the proofs are made.
   */
  private async refuseIfOutOfScope(flow: FlowRecord, user: DirectoryUser, request: MethodRequest, event: 'reset-password' | 'unlock-account'): Promise<void> {
    const policy = await this.deps.policy.current();
    const refusal = scopeRefusal({ user, policy, ...(await this.scopeFactsOf(user.id, policy)) });
    if (!refusal) return;
    await this.audit(request, event, 'failure', flow.digest, user, user.username, { path: event === 'reset-password' ? 'self-service-reset' : 'unlock', reason: refusal.code });
    throw new SsprError(refusal.code);
  }

  /** The answer of the `attempt`-th account standing in for this name (DecoyRing), or null. */
  private async standInAnswer(typed: string, attempt: number, policy: SsprPolicy) {
    const id = this.deps.decoys.pick(typed, attempt);
    const standIn = id ? await this.deps.directory.findUserById(id) : null;
    return (await this.answerOf(standIn, policy)).answer;
  }

  /**
   * Plausible methods for a name that gets no real ones: an e-mail code, plus a phone when the policy allows
   * SMS and a keyed coin says so — the same answer for the same name every time.
   */
  private decoyMethods(typed: string, policy: SsprPolicy): OfferedMethod[] {
    const coin = createHmac('sha256', this.deps.decoyKey).update(usernameKey(typed)).digest();
    const methods: OfferedMethod[] = [{ id: randomUUID(), type: 'email', ref: DECOY, hint: decoyEmailHint(this.deps.usualEmailDomain()) }];
    const wantsPhone = policy.methodsRequired === 2 || (coin[0] as number) < 96;
    if (policy.methods.includes('sms') && wantsPhone) {
      const digits = String(10 + ((coin[1] as number) % 90));
      methods.push({ id: randomUUID(), type: 'sms', ref: DECOY, hint: maskPhoneNumber(`+4915100000${digits}`) });
    }
    return methods;
  }

  /**
   * What a flow keeps of a name that names no account: a keyed hash of it (the same for every spelling of one
   * name), never the name — an address typed into the user-name field does not reach the store in clear.
   */
  private nameDigest(typed: string): string {
    return `#${createHmac('sha256', this.deps.decoyKey).update(`flow-name\0${usernameKey(typed)}`).digest('hex')}`;
  }

  /**
   * Refuses while the flow subject (the account's name, or the digest of a name that names none) is blocked.
   * The audit names what was typed where there is one (Audit masks typed addresses).
   */
  private async refuseIfBlocked(subject: string, request: MethodRequest, typed = subject): Promise<void> {
    const block = await this.deps.throttles.blockedUntil(usernameKey(subject));
    if (!block) return;
    await this.audit(request, 'reset-blocked', 'failure', '', null, typed, { reason: block.reason });
    throw new SsprError('throttled', { params: { until: block.until }, details: { until: new Date(block.until).toISOString(), reason: block.reason } });
  }

  /**
   * A known user who may not reset learns why: on the page, or by e-mail (default, no enumeration). The mail is
   * composed, counted and sent after the answer, so the answer costs the same with or without it; at most one
   * notice per user name per e-mail window, counted under the e-mail throttle (no mail bombs).
   */
  private tellRefusal(user: DirectoryUser, refusal: Refusal, policy: SsprPolicy, request: MethodRequest): void {
    if (policy.refusalNotice === 'page') throw refusalError(refusal);
    const email = user.email;
    if (!email || refusal.code === 'account-state') return;
    this.deps.afterAnswer.run(async () => {
      if (!(await this.deps.throttles.takeRefusalNotice(usernameKey(user.username), policy))) return;
      const reason = refusalError(refusal).messageIn(request.lang);
      const notice = refusalNoticeMail(request.lang, email, { organisation: this.deps.settings.organisation, reason });
      this.deps.mail.dispatch(notice, { purpose: 'reset-refused', userId: user.id, username: user.username });
    });
  }

  /**
   * The user and registration a step runs against. A decoy's `begin` runs against its stand-in's registration
   * (decoy-ring.ts), so its passkey options and drawn questions look like a real account's; its `verify` runs
   * against none, so no proof can succeed and nothing of the stand-in (a TOTP step, a passkey counter) moves.
   */
  private async contextOf(flow: FlowRecord, method: OfferedMethod, request: MethodRequest, step: 'begin' | 'verify') {
    // The lookup runs for decoy flows too, so a real and a decoy step cost the same.
    const found = await this.deps.directory.findUser(flow.username);
    const user = flow.userId !== null && found?.id === flow.userId ? found : null;
    const standIn = user ? null : standInOf(method.ref);
    // A decoy's verify looks its registration up under an id nobody has: the same query, no registration.
    const owner = user ? { userId: user.id, ref: method.ref } : standIn && (step === 'begin' ? standIn : { userId: NOBODY, ref: standIn.ref });
    const registration: Registration | null =
      owner && !owner.ref.startsWith('contact:') ? await this.deps.registrations.find(owner.userId, owner.ref) : null;
    return { flow, method, user, registration, request };
  }

  private async live(flowId: string): Promise<FlowRecord> {
    if (typeof flowId !== 'string' || flowId.length < 16 || flowId.length > 64) throw new SsprError('flow-invalid');
    const flow = await this.deps.flows.findLive(tokenDigest(flowId), this.deps.clock.now());
    if (!flow) throw new SsprError('flow-invalid');
    return flow;
  }

  private expectState(flow: FlowRecord, expected: FlowRecord['state']): void {
    if (flow.state === expected) return;
    if (flow.state === 'completed') throw new SsprError('flow-completed');
    if (flow.state === 'completing') throw new SsprError('flow-completing');
    throw new SsprError('flow-step-out-of-order', { params: { expected: flow.state === 'verified' ? 'newPassword' : 'verifyFirst' } });
  }

  private offeredById(flow: FlowRecord, methodId: string): OfferedMethod {
    const offered = flow.methods.find((m) => m.id === methodId);
    if (!offered) throw new SsprError('method-unknown');
    return offered;
  }

  private method(type: MethodType): VerificationMethod {
    const method = this.deps.methods.get(type);
    if (!method) throw new SsprError('method-unknown');
    return method;
  }

  private async userOf(flow: FlowRecord): Promise<DirectoryUser> {
    const user = flow.userId ? await this.deps.directory.findUser(flow.username) : null;
    if (!user || user.id !== flow.userId) throw new SsprError('flow-invalid');
    return user;
  }

  private audit<E extends AuditEventName>(
    request: MethodRequest,
    event: E,
    outcome: 'success' | 'failure',
    digest: string,
    user: DirectoryUser | null,
    username: string,
    detail: AuditDetail<E>,
  ): Promise<void> {
    return this.deps.audit.record({
      event,
      outcome,
      userId: user?.id ?? null,
      username,
      flow: digest ? digest.slice(0, 12) : null,
      ip: request.ip,
      userAgent: request.userAgent,
      detail,
    });
  }
}
