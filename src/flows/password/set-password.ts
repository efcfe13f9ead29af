import type { AccountDirectory } from '../../directory/account-directory.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { Audit } from '../../audit/audit.js';
import type { MethodRequest } from '../../methods/method.js';
import type { PasswordChecker, PasswordSubject } from '../../policy/password-checker.js';
import type { PolicyStore } from '../../policy/policy-store.js';
import type { Throttles } from '../../policy/throttles.js';
import type { MailDispatch } from '../../delivery/background-delivery.js';
import type { Clock } from '../../store/clock.js';
import type { WriteBatch } from '../../store/write-batch.js';
import { usernameKey } from '../../store/users-repository.js';
import { adminResetNoticeMail, helpdeskNoticeMail } from '../../mail/templates.js';
import type { AccountNotices } from '../../integrity/account-notices.js';
import type { AccountFreeze } from '../../integrity/account-freeze.js';
import type { NoticeName } from '../../audit/audit-events.js';
import type { AuditReason } from '../../audit/audit-reasons.js';
import type { DirectoryFailure } from '../../directory/onprem/onprem-directory.js';
import type { SignInGuard, SignInThrottle } from '../../session/sign-in-throttle.js';
import { SsprError } from '../../errors/sspr-error.js';
import { mustChangeCauseOf, type MustChangeCause } from '../../writeback/must-change.js';

/** Where a password (or an unlock) comes from. */
export type PasswordOrigin = 'self-service-reset' | 'unlock' | 'change' | 'admin-reset' | 'helpdesk-reset' | 'helpdesk-unlock' | 'cli' | 'cli-local-only';

/** A claimed reset flow (`completing`) that the act completes once the account is written. */
export interface FlowClaim {
  digest: string;
  claimedAt: number;
}

/** The act, typed per origin: what each origin must bring. */
export type PasswordAct =
  | { origin: 'self-service-reset'; password: string; flow: FlowClaim }
  | { origin: 'unlock'; flow: FlowClaim }
  | { origin: 'change'; currentPassword: string; password: string; keepSession: string }
  | { origin: 'admin-reset'; password: string; by: string }
  /** After the caller was verified (or a reason recorded): `verification` names that step in the audit trail. */
  | { origin: 'helpdesk-reset'; password: string; by: string; mustChange: boolean; verification: string }
  | { origin: 'helpdesk-unlock'; by: string; verification: string }
  | { origin: 'cli'; password: string }
  /** Break-glass: this service's store only; the audit says `writtenBack: false`, which the doctor reports. */
  | { origin: 'cli-local-only'; password: string };

type FollowUp = 'end-sessions' | 'end-other-flows' | 'clear-throttles' | 'notify-user' | 'notify-admins' | 'notify-user-of-helpdesk';

interface OriginRules {
  /** The audit event the act is recorded as (the doctor and reports read these names). */
  event: 'reset-password' | 'unlock-account' | 'change-password' | 'admin-reset-password' | 'helpdesk-unlock-account' | 'password-set';
  followUps: readonly FollowUp[];
  /** Self-service origins: refused while the account is frozen ("this wasn't me"); the notice they send. */
  selfService?: { notice: NoticeName };
}

/**
 * The one table of what follows a password write, per origin (kratos recovery hooks). A new password ends the
 * sessions that knew the old one (a change keeps only the session that made it: OWASP Session Management), ends the user's other open reset
 * flows and their codes, and clears the user's reset throttles; self-service acts (reset, unlock, change) tell the
 * user on every channel the notice rule picks, with a "this wasn't me" link, and a reset of an administrator's
 * account tells the other administrators (policy `notifyUserOnReset`, `notifyAdminsOnAdminReset`). Self-service
 * acts are refused while the account is frozen.
 * What the helpdesk does for a caller is always told to the account's owner, whatever the policy: if the caller
 * was not the owner, the owner's notice is how it comes to light (OWASP Forgot Password: notify on reset).
 */
export const followUpsByOrigin: Readonly<Record<PasswordOrigin, OriginRules>> = {
  'self-service-reset': { event: 'reset-password', followUps: ['end-sessions', 'end-other-flows', 'clear-throttles', 'notify-user', 'notify-admins'], selfService: { notice: 'reset' } },
  unlock: { event: 'unlock-account', followUps: ['end-other-flows', 'clear-throttles', 'notify-user'], selfService: { notice: 'unlock' } },
  change: { event: 'change-password', followUps: ['end-sessions', 'end-other-flows', 'notify-user'], selfService: { notice: 'change' } },
  'admin-reset': { event: 'admin-reset-password', followUps: ['end-sessions', 'end-other-flows', 'clear-throttles'] },
  'helpdesk-reset': { event: 'admin-reset-password', followUps: ['end-sessions', 'end-other-flows', 'clear-throttles', 'notify-user-of-helpdesk', 'notify-admins'] },
  'helpdesk-unlock': { event: 'helpdesk-unlock-account', followUps: ['end-other-flows', 'clear-throttles', 'notify-user-of-helpdesk'] },
  cli: { event: 'password-set', followUps: ['end-sessions', 'end-other-flows', 'clear-throttles'] },
  'cli-local-only': { event: 'password-set', followUps: ['end-sessions', 'end-other-flows', 'clear-throttles'] },
};

/** The flow store as this use-case needs it (FlowsRepository implements it). */
export interface PasswordFlows {
  endOpenFlowsOfUser(userId: string, except: string | null, batch?: WriteBatch): Promise<void>;
  completeClaimed(digest: string, claimedAt: number, batch?: WriteBatch): Promise<boolean>;
  releaseClaim(digest: string, claimedAt: number): Promise<void>;
}

export interface SetPasswordDeps {
  directory: Pick<AccountDirectory, 'resetPassword' | 'changePassword' | 'unlock' | 'directoryPolicyFor' | 'isRecentPassword'>;
  /** This service's own store of cloud-only passwords (the break-glass local-only write). */
  local: { resetPassword(user: DirectoryUser, password: string): Promise<void> };
  passwords: PasswordChecker;
  sessions: { deleteForUser(userId: string, keep?: string | null, batch?: WriteBatch): Promise<void> };
  flows: PasswordFlows;
  throttles: Pick<Throttles, 'clear'>;
  /** The store's write batches: the follow-ups of one act are one transaction (without: each write on its own). */
  batches?: { begin(): WriteBatch };
  /** The sign-in guessing limits: a change tries the current password, so it counts as a sign-in. */
  guesses: Pick<SignInThrottle, 'guard' | 'failed' | 'succeeded'>;
  policy: Pick<PolicyStore, 'current'>;
  users: { list(): Promise<Array<Pick<DirectoryUser, 'id' | 'username' | 'email' | 'isAdmin' | 'enabled'>>> };
  mail: Pick<MailDispatch, 'dispatch'>;
  /** The owner's notices with their "this wasn't me" link. */
  notices: Pick<AccountNotices, 'send'>;
  /** Frozen accounts ("this wasn't me") get no self-service. */
  freeze: Pick<AccountFreeze, 'expectNotFrozen'>;
  audit: Pick<Audit, 'record'>;
  clock: Clock;
  organisation: string;
  /** Forgets the stored expiry of a directory account's old password (the reminders' store); optional. */
  expiry?: { passwordWritten(userId: string, batch?: WriteBatch): Promise<void> };
}

/** The password subject: the user's names for the personal-word rules, and their history. */
export function passwordSubjectOf(directory: Pick<AccountDirectory, 'isRecentPassword'>, user: DirectoryUser): PasswordSubject {
  return {
    username: user.username,
    displayName: user.displayName,
    firstName: user.firstName,
    lastName: user.lastName,
    isInHistory: (password) => directory.isRecentPassword(user, password),
  };
}

type ActDetail = { reason?: AuditReason; directoryReason?: DirectoryFailure; cause?: MustChangeCause; rules?: string; writtenBack?: boolean };

/** The audit event of an act (the origin's event name), with what the act brings. */
function actEntry(user: DirectoryUser, act: PasswordAct, context: ActContext, outcome: 'success' | 'failure', detail: ActDetail) {
  return {
    event: followUpsByOrigin[act.origin].event,
    outcome,
    userId: user.id,
    username: user.username,
    flow: context.flowRef ?? null,
    ip: context.request.ip || null,
    userAgent: context.request.userAgent || null,
    detail: { path: act.origin, ...('by' in act ? { by: act.by } : {}), ...('verification' in act ? { verification: act.verification } : {}), ...('mustChange' in act ? { mustChange: act.mustChange } : {}), ...detail },
  };
}

/** Where the act is audited from: the request, and the flow or the typed name when there is one. */
export interface ActContext {
  request: MethodRequest;
  /** Short flow reference for the audit trail (never the flow id). */
  flowRef?: string;
}

/**
 * A password is set in one place: subject → policy → write through the account directory (directory accounts
 * are written back first, direct or agent mode) → the follow-ups of the origin's table row. The follow-ups' store
 * writes (stored expiry, sign-in failures, sessions, flows, throttles, the flow's completion, the owner's link and
 * queued notices, the audit events) are one transaction, committed once, after the directory accepted the
 * password; a refused write leaves them all unwritten. A claimed flow completes in that transaction, so a crash
 * before its commit leaves it `completing`, and a retry after the claim's lease runs the whole act again (every
 * follow-up may safely run twice). If the transaction fails, the follow-ups run again one write at a time, each
 * committed on its own (a passing fault costs nothing; a lasting one fails the act at the first write that fails,
 * the directory keeping the new password). Notices leave only once their writes are committed.
 */
export class SetPassword {
  constructor(private readonly deps: SetPasswordDeps) {}

  async run(user: DirectoryUser, act: PasswordAct, context: ActContext): Promise<{ writtenBack: boolean }> {
    const rules = followUpsByOrigin[act.origin];
    const record = (outcome: 'failure', detail: ActDetail) => this.deps.audit.record(actEntry(user, act, context, outcome, detail));

    const writtenBack = user.source !== 'local' && act.origin !== 'cli-local-only';
    const guard = act.origin === 'change' ? await this.refuseIfGuessing(user, context.request, record) : null;
    try {
      if (rules.selfService) await this.refuseIfFrozen(user, record);
      if ('password' in act) await this.checkPolicy(user, act.password, context.request, record);
      await this.write(user, act).catch(async (error: unknown) => {
        const directoryReason = error instanceof SsprError ? (error.details as { directoryReason?: DirectoryFailure } | undefined)?.directoryReason : undefined;
        const cause = mustChangeCauseOf(error);
        await record('failure', { reason: error instanceof SsprError ? error.code : 'internal', ...(directoryReason ? { directoryReason } : {}), ...(cause ? { cause } : {}) });
        if (act.origin === 'change' && error instanceof SsprError && error.code === 'writeback-wrong-old-password') {
          await this.deps.guesses.failed(user.username, context.request.ip);
        }
        throw error;
      });
    } catch (error) {
      // Nothing changed: the flow goes back to `verified`, and the user may try again.
      if ('flow' in act) await this.deps.flows.releaseClaim(act.flow.digest, act.flow.claimedAt);
      throw error;
    }

    const batch = this.deps.batches?.begin();
    if (batch) {
      try {
        const { recorded } = await this.followUps(user, act, context, guard, writtenBack, batch);
        await batch.commit();
        await recorded;
        return { writtenBack };
      } catch (error) {
        // Nothing of the batch was written: the follow-ups again, one write at a time.
        batch.discard(error);
      }
    }
    await this.followUps(user, act, context, guard, writtenBack);
    return { writtenBack };
  }

  /**
   * The follow-ups of a written password, in the table's order. With `batch`, every store write is added to it
   * (nothing is awaited that the batch's commit settles; the act's audit event is returned, to be awaited after
   * the commit); without, each write commits on its own.
   */
  private async followUps(user: DirectoryUser, act: PasswordAct, context: ActContext, guard: SignInGuard | null, writtenBack: boolean, batch?: WriteBatch): Promise<{ recorded: Promise<void> }> {
    const rules = followUpsByOrigin[act.origin];
    if (guard) await this.deps.guesses.succeeded(user.username, context.request.ip, guard, batch);
    // A row read without a stored expiry has none to forget.
    if (writtenBack && 'password' in act && user.passwordExpiresAt !== null) await this.deps.expiry?.passwordWritten(user.id, batch);
    const followUps = new Set(rules.followUps);
    if (followUps.has('end-sessions')) await this.deps.sessions.deleteForUser(user.id, act.origin === 'change' ? act.keepSession : null, batch);
    if (followUps.has('end-other-flows')) await this.deps.flows.endOpenFlowsOfUser(user.id, 'flow' in act ? act.flow.digest : null, batch);
    if (followUps.has('clear-throttles')) await this.deps.throttles.clear(usernameKey(user.username), batch);
    if ('flow' in act) {
      // In a batch, its value settles with the commit (a claim taken over completes nothing): not awaited here.
      const completed = this.deps.flows.completeClaimed(act.flow.digest, act.flow.claimedAt, batch);
      if (!batch) await completed;
    }

    // Recorded before the notices and awaited after them, so the act's audit events share one write (Audit).
    const recorded = this.deps.audit.record(actEntry(user, act, context, 'success', { writtenBack }), batch);
    if (followUps.has('notify-user') || followUps.has('notify-admins') || followUps.has('notify-user-of-helpdesk')) await this.notify(user, act.origin, followUps, rules, context.request, batch);
    if (!batch) await recorded;
    return { recorded };
  }

  private async refuseIfFrozen(user: DirectoryUser, record: (outcome: 'failure', detail: { reason: AuditReason }) => Promise<void>): Promise<void> {
    try {
      await this.deps.freeze.expectNotFrozen(user);
    } catch (error) {
      await record('failure', { reason: 'account-frozen' });
      throw error;
    }
  }

  /**
   * A change tries the current password, so it is a sign-in guess (OWASP Authentication: the same limits for
   * every place a password is tried): while the name or this client is blocked, even the right password is
   * refused without being tried; a wrong one counts as a failed sign-in, a right one as a successful one.
   */
  private async refuseIfGuessing(user: DirectoryUser, request: MethodRequest, record: (outcome: 'failure', detail: { reason: AuditReason }) => Promise<void>): Promise<SignInGuard> {
    const guard = await this.deps.guesses.guard(user.username, request.ip);
    if (guard.blockedUntil === null) return guard;
    await record('failure', { reason: 'sign-in-throttled' });
    throw new SsprError('sign-in-throttled');
  }

  private async checkPolicy(
    user: DirectoryUser,
    password: string,
    request: MethodRequest,
    record: (outcome: 'failure', detail: Record<string, string>) => Promise<void>,
  ): Promise<void> {
    const directoryPolicy = (await this.deps.directory.directoryPolicyFor(user)) ?? null;
    const verdict = await this.deps.passwords.check(password, { ...passwordSubjectOf(this.deps.directory, user), directoryPolicy }, request.lang);
    if (verdict.accepted) return;
    await record('failure', { reason: 'password-rejected', rules: verdict.reasons.map((r) => r.code).join(',') });
    throw new SsprError('password-rejected', { params: { reasons: verdict.reasons.map((r) => r.message).join(' ') }, details: { reasons: verdict.reasons } });
  }

  private write(user: DirectoryUser, act: PasswordAct): Promise<void> {
    switch (act.origin) {
      case 'self-service-reset':
        return this.deps.directory.resetPassword(user, act.password.normalize('NFC'), 'reset');
      case 'admin-reset':
      case 'cli':
        return this.deps.directory.resetPassword(user, act.password.normalize('NFC'), 'admin-reset');
      case 'helpdesk-reset':
        return this.deps.directory.resetPassword(user, act.password.normalize('NFC'), 'admin-reset', act.mustChange ? { mustChange: true } : {});
      case 'cli-local-only':
        return this.deps.local.resetPassword(user, act.password.normalize('NFC'));
      case 'change':
        return this.deps.directory.changePassword(user, act.currentPassword.normalize('NFC'), act.password.normalize('NFC'));
      case 'unlock':
      case 'helpdesk-unlock':
        return this.deps.directory.unlock(user);
    }
  }

  private async notify(user: DirectoryUser, origin: PasswordOrigin, followUps: Set<FollowUp>, rules: OriginRules, request: MethodRequest, batch?: WriteBatch): Promise<void> {
    const policy = await this.deps.policy.current();
    const { organisation, mail } = this.deps;
    const at = new Date(this.deps.clock.now());
    if (followUps.has('notify-user') && rules.selfService) await this.deps.notices.send(user, rules.selfService.notice, request, {}, batch);
    if (followUps.has('notify-user-of-helpdesk') && user.email) {
      const notice = helpdeskNoticeMail(request.lang, user.email, { organisation, at, act: origin === 'helpdesk-unlock' ? 'unlock' : 'reset' });
      mail.dispatch(notice, { purpose: 'helpdesk-notice', userId: user.id, username: user.username }, batch);
    }
    if (followUps.has('notify-admins') && user.isAdmin && policy.notifyAdminsOnAdminReset) {
      for (const admin of await this.deps.users.list()) {
        if (!admin.isAdmin || admin.id === user.id || !admin.email || !admin.enabled) continue;
        const notice = adminResetNoticeMail(request.lang, admin.email, { organisation, at, ip: request.ip, who: user.username });
        mail.dispatch(notice, { purpose: 'admin-reset-notice', userId: admin.id, username: admin.username }, batch);
      }
    }
  }
}
