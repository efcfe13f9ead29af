/**
 * Every value an audit event's `detail.reason` (and `directoryReason`) may hold, once: the error codes of the
 * catalogue (what a refused step threw), the directory's failure reasons, the throttles' block reasons, and the few
 * reasons only the audit trail uses. The detail types of audit-events.ts use `AuditReason`, so a writer cannot
 * record a reason that has no label (audit-labels.ts; messages/<lang>/audit-reasons.json).
 * Reasons are stored ids: add new ones, never rename (old rows keep the old id and are shown raw).
 */
import { errorCatalogue, type ErrorCode } from '../errors/catalogue.js';
import type { DirectoryFailure } from '../directory/onprem/onprem-directory.js';
import { directoryFailures } from '../writeback/agent-protocol/protocol.js';
import { throttleReasons, type ThrottleReason } from '../policy/throttles.js';

/** Reasons recorded by the audit trail only (not errors, directory failures or throttle blocks). */
const auditOnlyReasons = [
  /** reset-start: the typed name matched no account. */
  'unknown-user',
  /** scheduled-run: a job failed without an error code. */
  'failed',
  /** directory-sync: the run failed without an error code. */
  'sync-failed',
  /** console-session-ended: idle too long / open too long. */
  'idle',
  'absolute',
  /** not-me-link-refused, agent.enrolment: a link or token never issued / already used. */
  'unknown',
  'used',
  /** username-reminder: nothing matched / the address asked too often / not an address or number. */
  'no-match',
  'address-limited',
  'invalid',
  /** writeback jobs: no agent took the job / no answer before the deadline. */
  'not-dispatched',
  'unconfirmed',
  'deadline',
  /** agent.enrolment: the token was made for another directory. */
  'wrong-directory',
  /** writeback-must-change-unsupported, its `cause` (writeback/must-change.ts): a cloud-only account / agents without 'must-change'. */
  'cloud-only',
  'agent-lacks-must-change',
] as const;

export type AuditReason = ErrorCode | DirectoryFailure | ThrottleReason | (typeof auditOnlyReasons)[number];

/** Every reason, each once (an error code and a directory failure may share an id, e.g. `invalid-credentials`). */
export const auditReasons: readonly AuditReason[] = [
  ...new Set<AuditReason>([...(Object.keys(errorCatalogue) as ErrorCode[]), ...directoryFailures, ...throttleReasons, ...auditOnlyReasons]),
];
