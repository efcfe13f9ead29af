/**
 * Every audit event name, once, with the shape of its detail. Writers (flows, delivery, writeback, the agent
 * gateway, the CLI) and readers (the doctor, reports) import these names, so a name a reader looks for is a
 * name some writer records: the compiler refuses any other (style guide: names that cross modules are typed).
 * Details hold non-secret facts only: codes, method types, counts, ids — never a code, token or password.
 */
import type { UserRole } from '../admin/roles.js';
import type { DirectoryFailure } from '../directory/onprem/onprem-directory.js';
import type { AuditReason } from './audit-reasons.js';
import type { MustChangeCause } from '../writeback/must-change.js';

/** How an administrative or self-service password write ended up in the directory (the doctor reads it). */
type PasswordOutcome = {
  /** True when the password reached the account's directory (or the account lives in this service). */
  writtenBack?: boolean;
  /** An SsprError code on failure. */
  reason?: AuditReason;
};

/** The detail of one `writeback.<origin>.<phase>` event (Entra Connect PasswordResetService ids). */
type WritebackDetail = {
  mode: string;
  directory: string;
  entraEvent: number | null;
  entraError?: number;
  /** The directory's reason code (failure), never its raw text alone. */
  reason?: AuditReason;
  raw?: string | null;
  writtenBack?: true;
  /** Milliseconds the write took (success and failure). */
  ms?: number;
};

/** Where a password write came from: the origins of the one password use-case, and the CLI's user add. */
type PasswordPath = 'self-service-reset' | 'unlock' | 'change' | 'admin-reset' | 'helpdesk-reset' | 'helpdesk-unlock' | 'cli' | 'cli-local-only' | 'cli-user-add' | 'cli-set-password';

/** The detail of every event of the one password use-case. */
type PasswordActDetail = PasswordOutcome & {
  path?: PasswordPath;
  by?: string;
  rules?: string;
  directoryReason?: DirectoryFailure;
  verification?: string;
  mustChange?: boolean;
  /** Why "must change at next sign-in" was refused (reason writeback-must-change-unsupported). */
  cause?: MustChangeCause;
};

/** A helpdesk caller verification step: who acted, how the caller was checked, the verification's reference. */
type HelpdeskDetail = { by: string; verification: string; method: string; reason?: AuditReason; remaining?: number };

/**
 * One mail or SMS send: `attempts` so far; `final` when the outbox gave it up (a dead letter). `reason` is the
 * transport's own words (an SMTP reply, a gateway's error), not an AuditReason: pages show it as stored.
 */
type Delivery = { purpose: string; reason?: string; attempts?: number; final?: boolean };

/** The detail type of each event. */
export type AuditDetails = {
  'sign-in': { reason?: Extract<AuditReason, 'invalid-credentials' | 'sign-in-throttled'>; until?: string; blockedUntil?: string };
  'reset-start': { reason?: AuditReason };
  'reset-send': { method: string; reason?: AuditReason };
  'reset-verify': { method: string; reason?: AuditReason };
  'reset-password': PasswordActDetail;
  'reset-blocked': { reason: AuditReason };
  'unlock-account': PasswordActDetail;
  'change-password': PasswordActDetail;
  'admin-reset-password': PasswordActDetail;
  'password-set': PasswordActDetail & { path: PasswordPath; writtenBack: boolean };
  'helpdesk-unlock-account': PasswordActDetail;
  'helpdesk-verify-start': HelpdeskDetail;
  'helpdesk-code-sent': HelpdeskDetail;
  'helpdesk-verify': HelpdeskDetail;
  'helpdesk-reason-recorded': HelpdeskDetail & { text: string };
  'helpdesk-refused': { by: string; reason: AuditReason; verification?: string };
  /** `changes`: "setting: old → new" per changed setting, joined by "; " (details are flat). */
  'policy-saved': { by: string; changes: string; count: number };
  'method-registered': { method: string };
  /** `by`: 'cli', or the console operator's label (`user:<name>`, `token:<id>`); absent when the user removed it. */
  'method-removed': { method: string; by?: string };
  'methods-reconfirmed': { method: string };
  'policy-change': { changed: string };
  'directory-sync': {
    by?: string;
    directory?: string;
    mode?: string;
    created?: number;
    updated?: number;
    disabled?: number;
    groupsChanged?: number;
    reason?: AuditReason;
    /** Milliseconds the run took. */
    ms?: number;
  };
  'user-deleted': { by: 'cli'; registrations: number; sessions: number; flows: number };
  'user-unblocked': { by: string; resetBlock: boolean; signInBlock: boolean; client?: string };
  'reregistration-required': { by: string; removed: number; types: string };
  'reregistration-completed': { method: string };
  /** `by`: 'cli', or the operator label (`user:<name>`, `token:<id>`); `scope`: a helpdesk grant's group. */
  'role-assigned': { by: string; role: UserRole; scope?: string | null };
  'role-removed': { by: string; role: UserRole };
  /** A console session proved (or failed to prove) a second method. */
  'console-step-up': { method: string; reason?: AuditReason };
  /** A console session ended for being idle or open too long. */
  'console-session-ended': { reason: Extract<AuditReason, 'idle' | 'absolute'> };
  'admin-token-created': { by: string; id: string; scope: string; expiresAt: string | null };
  'admin-token-revoked': { by: string; id: string };
  'group-member-removed': { by: 'cli'; group: string; memberType: 'user' | 'group'; member: string };
  'licence-assigned': { by: string; plan: string; principalType: 'user' | 'group'; principal: string };
  'licence-unassigned': { by: string; plan: string; principalType: 'user' | 'group'; principal: string };
  'email-delivered': Delivery;
  'email-delivery-failed': Delivery;
  'sms-delivered': Delivery;
  'sms-delivery-failed': Delivery;
  'writeback.reset.start': WritebackDetail;
  'writeback.reset.success': WritebackDetail;
  'writeback.reset.failure': WritebackDetail;
  'writeback.admin-reset.start': WritebackDetail;
  'writeback.admin-reset.success': WritebackDetail;
  'writeback.admin-reset.failure': WritebackDetail;
  'writeback.change.start': WritebackDetail;
  'writeback.change.success': WritebackDetail;
  'writeback.change.failure': WritebackDetail;
  'writeback.unlock.start': WritebackDetail;
  'writeback.unlock.success': WritebackDetail;
  'writeback.unlock.failure': WritebackDetail;
  'writeback.late-result': { job: string; agent: string; recordedState: string; reason: AuditReason | null; raw: string | null };
  'writeback.agent-lost': { job: string; agent: string };
  'writeback.reconciled': { job: string; verifiedBy: string; applied: boolean };
  'agent.connected': { agent: string; node: string; clockOffsetMs: number };
  'agent.disconnected': { agent: string; node: string };
  'agent.enrolment': { reason?: AuditReason; agent?: string; name: string; directory?: string };
  'agent.token-created': { directory: string; expiresAt: number; by?: string };
  'agent.revoked': { agent: string; by: string };
  'reminder.expiry': { days: number; expiresAt: number; channels: string };
  'reminder.manager-summary': { people: number };
  'reminder.enrolment': { count: number; channels: string };
  'scheduled-run': { job: string; occurrence: number; reason?: AuditReason; sent?: number; skipped?: number };
  'not-me-link-sent': { notice: NoticeName; channels: number };
  'account-frozen': { notice: NoticeName };
  'account-unfrozen': { by: string };
  'not-me-link-refused': { reason: Extract<AuditReason, 'unknown' | 'used' | 'expired'> };
  'username-reminder': { reason?: Extract<AuditReason, 'no-match' | 'address-limited' | 'invalid'>; matches?: number; channel: 'email' | 'sms' | 'none' };
};

/** The notices that carry a "this wasn't me" link. */
export type NoticeName = 'reset' | 'change' | 'unlock' | 'methodAdded' | 'methodRemoved' | 'reregistration';

/** The catalogue: each event name with what it records. Exactly the keys of AuditDetails (checked by `satisfies`). */
export const auditEvents = {
  'sign-in': 'a user signed in with their password, or failed to',
  'reset-start': 'a reset flow started (failure: unknown or ineligible user)',
  'reset-send': 'a code was sent for a reset step',
  'reset-verify': 'a reset step was answered',
  'reset-password': 'the new password of a self-service reset was set (or refused)',
  'reset-blocked': 'a reset was refused by the throttles',
  'unlock-account': 'a verified user unlocked their account',
  'change-password': 'a signed-in user changed their password',
  'admin-reset-password': 'an administrator set a user\'s password',
  'password-set': 'the CLI set a password in this service only',
  'helpdesk-unlock-account': 'a helpdesk operator cleared an account\'s directory lockout for a verified caller',
  'helpdesk-verify-start': 'a helpdesk operator began to verify a caller with one of the user\'s methods',
  'helpdesk-code-sent': 'a helpdesk caller-verification code was sent to one of the user\'s methods',
  'helpdesk-verify': 'a helpdesk operator typed the code a caller read out (failure: wrong; void after too many)',
  'helpdesk-reason-recorded': 'a helpdesk operator acted for a user without a method and recorded why',
  'helpdesk-refused': 'a helpdesk reset or unlock was refused (no verification, target not allowed)',
  'policy-saved': 'an administrator saved the reset policy in the console, with old and new values',
  'method-registered': 'a verification method was registered',
  'method-removed': 'a verification method was removed',
  'methods-reconfirmed': 'a user confirmed their methods are current',
  'policy-change': 'the reset policy was changed',
  'directory-sync': 'a directory sync ran',
  'user-deleted': 'an operator deleted an account with its registrations, sessions and flows',
  'user-unblocked': 'an operator lifted the reset and sign-in throttle blocks of an account',
  'reregistration-required': 'an operator removed an account\'s registered methods and asked the owner to register again',
  'reregistration-completed': 'a user asked to register again registered enough methods',
  'role-assigned': 'an operator granted an account a role',
  'role-removed': 'an operator took a role away (the account\'s sessions ended)',
  'console-step-up': 'a console session proved a second method (failure: a wrong or lapsed proof)',
  'console-session-ended': 'a console session ended for being idle or open too long',
  'admin-token-created': 'an operator created an admin API token',
  'admin-token-revoked': 'an operator revoked an admin API token',
  'group-member-removed': 'an operator removed a member from a group',
  'licence-assigned': 'an operator assigned a licence plan to a user or group',
  'licence-unassigned': 'an operator took a licence plan away from a user or group',
  'email-delivered': 'an e-mail was accepted by the mail server',
  'email-delivery-failed': 'the mail server refused or could not take an e-mail',
  'sms-delivered': 'an SMS was accepted by the gateway',
  'sms-delivery-failed': 'the SMS gateway refused or could not take a message',
  'writeback.reset.start': 'a self-service reset is being written to the directory (Entra 31001)',
  'writeback.reset.success': 'the directory took the reset (Entra 31002)',
  'writeback.reset.failure': 'the directory refused the reset (Entra 31003)',
  'writeback.admin-reset.start': 'an administrator reset is being written to the directory (Entra 31009)',
  'writeback.admin-reset.success': 'the directory took the administrator reset (Entra 31010)',
  'writeback.admin-reset.failure': 'the directory refused the administrator reset (Entra 31011)',
  'writeback.change.start': 'a password change is being written to the directory (Entra 31006)',
  'writeback.change.success': 'the directory took the change (Entra 31007)',
  'writeback.change.failure': 'the directory refused the change (Entra 31008)',
  'writeback.unlock.start': 'an unlock is being written to the directory',
  'writeback.unlock.success': 'the directory cleared the lockout',
  'writeback.unlock.failure': 'the directory refused the unlock',
  'writeback.late-result': 'an agent answered after the job was decided',
  'writeback.agent-lost': 'an agent went away while holding a job',
  'writeback.reconciled': 'another agent checked whether a lost job was applied',
  'agent.connected': 'an agent connected to this node',
  'agent.disconnected': 'an agent disconnected from this node',
  'agent.enrolment': 'an agent enrolled with a one-time token (or was refused)',
  'agent.token-created': 'an enrolment token was created',
  'agent.revoked': 'an administrator revoked an agent',
  'reminder.expiry': 'a user was reminded that their password expires (once per password and interval)',
  'reminder.manager-summary': 'a manager got the daily list of their people\'s expiring passwords',
  'reminder.enrolment': 'a user was reminded to register verification methods',
  'scheduled-run': 'a scheduled job (cron) ran on this node, or failed',
  'not-me-link-sent': 'a notice with a "this wasn\'t me" link went to the account\'s channels',
  'account-frozen': 'the owner reported a change as not theirs: self-service for the account is frozen',
  'account-unfrozen': 'an administrator lifted the freeze of an account',
  'not-me-link-refused': 'a "this wasn\'t me" link was used again, after it expired, or never existed',
  'username-reminder': 'someone asked for the user names registered at an address (failure: nothing sent)',
} as const satisfies { [E in keyof AuditDetails]: string };

export type AuditEventName = keyof typeof auditEvents;
export type AuditDetail<E extends AuditEventName> = AuditDetails[E];
/** Every outcome an event may record. */
export const auditOutcomes = ['success', 'failure', 'info'] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];

export const auditEventNames = Object.keys(auditEvents) as AuditEventName[];

export function isAuditEventName(value: string): value is AuditEventName {
  return Object.hasOwn(auditEvents, value);
}

/** One event as a writer hands it over: the name picks the detail type. */
export interface AuditEntry<E extends AuditEventName = AuditEventName> {
  event: E;
  outcome: AuditOutcome;
  userId?: string | null;
  username?: string | null;
  /** A short, non-secret reference to the flow (never the flow id itself). */
  flow?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  detail?: AuditDetail<E>;
}
