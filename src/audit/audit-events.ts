/**
 * Every audit event name, once, with the shape of its detail. Writers (flows, delivery, writeback, the agent
 * gateway, the CLI) and readers (the doctor, reports) import these names, so a name a reader looks for is a
 * name some writer records: the compiler refuses any other (style guide: names that cross modules are typed).
 * Details hold non-secret facts only: codes, method types, counts, ids — never a code, token or password.
 */
import type { UserRole } from '../admin/roles.js';

/** How an administrative or self-service password write ended up in the directory (the doctor reads it). */
type PasswordOutcome = {
  /** True when the password reached the account's directory (or the account lives in this service). */
  writtenBack?: boolean;
  /** An SsprError code on failure. */
  reason?: string;
};

/** The detail of one `writeback.<origin>.<phase>` event (Entra Connect PasswordResetService ids). */
type WritebackDetail = {
  mode: string;
  directory: string;
  entraEvent: number | null;
  entraError?: number;
  /** The directory's reason code (failure), never its raw text alone. */
  reason?: string;
  raw?: string | null;
  writtenBack?: true;
};

/** Where a password write came from: the origins of the one password use-case, and the CLI's user add. */
type PasswordPath = 'self-service-reset' | 'unlock' | 'change' | 'admin-reset' | 'cli' | 'cli-local-only' | 'cli-user-add' | 'cli-set-password';

/** The detail of every event of the one password use-case. */
type PasswordActDetail = PasswordOutcome & { path?: PasswordPath; by?: string; rules?: string; directoryReason?: string };

type Delivery = { purpose: string; reason?: string };

/** The detail type of each event. */
export type AuditDetails = {
  'sign-in': { reason?: 'invalid-credentials' | 'sign-in-throttled'; until?: string; blockedUntil?: string };
  'reset-start': { reason?: string };
  'reset-send': { method: string; reason?: string };
  'reset-verify': { method: string; reason?: string };
  'reset-password': PasswordActDetail;
  'reset-blocked': { reason: string };
  'unlock-account': PasswordActDetail;
  'change-password': PasswordActDetail;
  'admin-reset-password': PasswordActDetail;
  'password-set': PasswordActDetail & { path: PasswordPath; writtenBack: boolean };
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
    reason?: string;
  };
  'user-deleted': { by: 'cli'; registrations: number; sessions: number; flows: number };
  'user-unblocked': { by: string; resetBlock: boolean; signInBlock: boolean; client?: string };
  'role-assigned': { by: 'cli'; role: UserRole };
  'role-removed': { by: 'cli'; role: UserRole };
  'group-member-removed': { by: 'cli'; group: string; memberType: 'user' | 'group'; member: string };
  'licence-unassigned': { by: 'cli'; plan: string; principalType: 'user' | 'group'; principal: string };
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
  'writeback.late-result': { job: string; agent: string; recordedState: string; reason: string | null; raw: string | null };
  'writeback.agent-lost': { job: string; agent: string };
  'writeback.reconciled': { job: string; verifiedBy: string; applied: boolean };
  'agent.connected': { agent: string; node: string; clockOffsetMs: number };
  'agent.disconnected': { agent: string; node: string };
  'agent.enrolment': { reason?: string; agent?: string; name: string; directory?: string };
  'agent.token-created': { directory: string; expiresAt: number };
};

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
  'method-registered': 'a verification method was registered',
  'method-removed': 'a verification method was removed',
  'methods-reconfirmed': 'a user confirmed their methods are current',
  'policy-change': 'the reset policy was changed',
  'directory-sync': 'a directory sync ran',
  'user-deleted': 'an operator deleted an account with its registrations, sessions and flows',
  'user-unblocked': 'an operator lifted the reset and sign-in throttle blocks of an account',
  'role-assigned': 'an operator granted an account a role',
  'role-removed': 'an operator took a role away (the account\'s sessions ended)',
  'group-member-removed': 'an operator removed a member from a group',
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
} as const satisfies { [E in keyof AuditDetails]: string };

export type AuditEventName = keyof typeof auditEvents;
export type AuditDetail<E extends AuditEventName> = AuditDetails[E];
export type AuditOutcome = 'success' | 'failure' | 'info';

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
