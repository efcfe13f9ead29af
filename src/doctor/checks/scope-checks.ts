import type { Finding } from '../doctor-types.js';
import type { UserFacts } from '../facts.js';

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
