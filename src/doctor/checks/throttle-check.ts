import type { Finding } from '../doctor-types.js';
import { iso, type UserFacts } from '../facts.js';
import type { DoctorCheck } from '../doctor-check.js';
import { STORE_BASIS } from './basis.js';

/** `throttled`: an active block on the user name (Throttles), with the failed proofs counted in the window. */
export function throttled(facts: UserFacts): Finding {
  const { block } = facts;
  const evidence: Finding['evidence'] = [['throttle', { failed: facts.failedProofs, reason: block?.reason ?? 'none', until: block ? iso(block.until) : '-' }]];
  if (!block) return { id: 'throttled', status: 'pass', key: 'ok', evidence };
  return { id: 'throttled', status: 'fail', key: 'blocked', params: { until: iso(block.until), reason: block.reason }, evidence };
}

export const throttledCheck: DoctorCheck = {
  id: 'throttled',
  user: throttled,
  count: async ({ facts, repo }) => ({ failing: await repo.countBlockedAccounts(facts.now), warning: 0, basis: STORE_BASIS }),
};
