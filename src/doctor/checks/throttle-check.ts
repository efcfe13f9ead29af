import type { Finding } from '../doctor-types.js';
import { iso, type UserFacts } from '../facts.js';

/** `throttled`: an active block on the user name (Throttles), with the failed proofs counted in the window. */
export function throttled(facts: UserFacts): Finding {
  const { block } = facts;
  const evidence: Finding['evidence'] = [['throttle', { failed: facts.failedProofs, block: block ? `${block.reason} until ${iso(block.until)}` : '-' }]];
  if (!block) return { id: 'throttled', status: 'pass', key: 'ok', evidence };
  return { id: 'throttled', status: 'fail', key: 'blocked', params: { until: iso(block.until), reason: block.reason }, evidence };
}
