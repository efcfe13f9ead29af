import type { Finding } from '../doctor-types.js';
import type { DoctorCheck } from '../doctor-check.js';
import { STORE_BASIS } from './basis.js';
import type { ServiceRunFacts, UserFacts } from '../facts.js';

const LICENCE_PLANS = ['sspr', 'sspr-writeback'];

/** `sspr-enabled`: the policy's scope (none / selected group, nested membership / all). */
export function ssprEnabled(facts: UserFacts): Finding {
  const { policy, groups } = facts;
  const evidence: Finding['evidence'] = [
    ['policy', { enabled: policy.enabled, group: policy.group ?? '-' }],
    ['groups', { groups: groups.join(', ') || '-' }],
  ];
  if (policy.enabled === 'none') return { id: 'sspr-enabled', status: 'fail', key: 'disabled-for-everyone', evidence };
  if (policy.enabled === 'selected') {
    const wanted = policy.group?.normalize('NFC').toLowerCase();
    const member = groups.some((g) => g.normalize('NFC').toLowerCase() === wanted);
    return { id: 'sspr-enabled', status: member ? 'pass' : 'fail', key: member ? 'in-group' : 'not-in-group', params: { group: policy.group ?? '' }, evidence };
  }
  return { id: 'sspr-enabled', status: 'pass', key: 'all', evidence };
}

/** `license-assigned`: a plan including SSPR (sspr-writeback for directory accounts), direct or by group. */
export function licenseAssigned(facts: UserFacts): Finding {
  const { policy, plans } = facts;
  const evidence: Finding['evidence'] = [['plans', { required: String(policy.licenceRequired), plans: plans.join(', ') || '-' }]];
  if (!policy.licenceRequired) return { id: 'license-assigned', status: 'pass', key: 'not-required', evidence };
  const licensed = plans.includes('sspr') || plans.includes('sspr-writeback');
  if (!licensed) return { id: 'license-assigned', status: 'fail', key: 'no-licence', evidence };
  if (facts.user.source !== 'local' && !plans.includes('sspr-writeback')) return { id: 'license-assigned', status: 'warn', key: 'no-writeback-plan', evidence };
  return { id: 'license-assigned', status: 'pass', key: 'assigned', evidence };
}

/** `sspr-enabled` for the service: the policy's scope, and whether its group exists. */
function serviceScope(facts: ServiceRunFacts): Finding {
  const { policy } = facts;
  const evidence: Finding['evidence'] = [['policy', { enabled: policy.enabled, group: policy.group ?? '-' }]];
  if (policy.enabled === 'none') return { id: 'sspr-enabled', status: 'fail', key: 'disabled-for-everyone', evidence };
  if (policy.enabled === 'selected') {
    if (!facts.policyGroupId) return { id: 'sspr-enabled', status: 'fail', key: 'group-missing', params: { group: policy.group ?? '-' }, evidence };
    return { id: 'sspr-enabled', status: 'pass', key: 'selected', params: { group: policy.group ?? '' }, evidence };
  }
  return { id: 'sspr-enabled', status: 'pass', key: 'all', evidence };
}

export const ssprEnabledCheck: DoctorCheck = {
  id: 'sspr-enabled',
  user: ssprEnabled,
  service: serviceScope,
  async count({ facts, repo }) {
    const { policy, users } = facts;
    let outside = 0;
    if (policy.enabled === 'none') outside = users.enabled;
    else if (policy.enabled === 'selected') outside = facts.policyGroupId ? await repo.enabledUsersOutside(await repo.groupsWithin([facts.policyGroupId])) : users.enabled;
    return { failing: outside, warning: 0, basis: `${STORE_BASIS} (nested group membership)` };
  },
};

export const licenseAssignedCheck: DoctorCheck = {
  id: 'license-assigned',
  user: licenseAssigned,
  service: (facts) => ({ id: 'license-assigned', status: 'pass', key: facts.policy.licenceRequired ? 'required' : 'not-required' }),
  async count({ facts, repo }) {
    const unlicensed = facts.policy.licenceRequired
      ? await repo.enabledUsersWithoutPlan(LICENCE_PLANS, await repo.groupsWithin(await repo.groupsWithPlan(LICENCE_PLANS)))
      : 0;
    return { failing: unlicensed, warning: 0, basis: `${STORE_BASIS} (direct and nested group assignment)` };
  },
};
