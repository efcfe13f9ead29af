import { SsprError } from '../errors/sspr-error.js';
import type { AuditReason } from '../audit/audit-reasons.js';

/**
 * Why a reset cannot leave "must change at next sign-in" set — the `reason` of writeback-must-change-unsupported
 * and the helpdesk API's `mustChangeUnsupported`: 'cloudOnly' (the local store has no such flag) or 'agentTooOld'
 * (agents are connected for the account's directory, none announced the feature 'must-change').
 */
export type MustChangeObstacle = 'cloudOnly' | 'agentTooOld';

/** The audit trail's id for each obstacle (audit-reasons.ts auditOnlyReasons), recorded as the refusal's `cause`. */
const causes = { cloudOnly: 'cloud-only', agentTooOld: 'agent-lacks-must-change' } as const satisfies Record<MustChangeObstacle, AuditReason>;
export type MustChangeCause = (typeof causes)[MustChangeObstacle];

/** The refusal of a must-change reset, thrown before anything is written. */
export function mustChangeRefusal(obstacle: MustChangeObstacle): SsprError<'writeback-must-change-unsupported'> {
  return new SsprError('writeback-must-change-unsupported', { params: { reason: obstacle } });
}

/** The audit cause of a must-change refusal, or undefined for any other error. */
export function mustChangeCauseOf(error: unknown): MustChangeCause | undefined {
  if (!(error instanceof SsprError) || error.code !== 'writeback-must-change-unsupported') return undefined;
  const reason = (error.params as { reason?: string } | undefined)?.reason;
  return reason === 'cloudOnly' || reason === 'agentTooOld' ? causes[reason] : undefined;
}
