import type { Finding } from '../doctor-types.js';
import type { AgentReport } from '../../writeback/agents-repository.js';
import { duration, iso, isDirectoryUser, type ServiceFacts, type UserFacts } from '../facts.js';
import { sharedWithService, type DoctorCheck } from '../doctor-check.js';
import type { CheckId } from '../doctor-types.js';
import { STORE_BASIS } from './basis.js';
import { resetsHonourMinimumAge } from '../../directory/registry.js';

/** What a probe saw, whether the inspector ran it or an agent reported it. */
type ProbeView = AgentReport['directory'];

/** The directory as last probed: the inspector's probe, else (agent mode) the freshest connected agent's report. */
function probeView(facts: ServiceFacts): ProbeView | null {
  if (facts.probe) return facts.probe;
  const reports = facts.agents
    .filter((a) => a.revokedAt === null && a.connectedNode !== null && a.report !== null)
    .sort((a, b) => (b.lastSeenAt ?? 0) - (a.lastSeenAt ?? 0));
  return reports[0]?.report?.directory ?? null;
}

const probeEvidence = (probe: ProbeView): Finding['evidence'] => [
  [
    'probe',
    {
      reachable: String(probe.reachable),
      encrypted: String(probe.encrypted),
      bind: String(probe.serviceBindOk),
      ms: Math.round(probe.latencyMs),
      error: probe.error ? `; ${probe.error.reason}: ${probe.error.raw.slice(0, 200)}` : '',
    },
  ],
];

/** `directory-reachable`: reachable over an encrypted connection, and the service account binds. */
export function directoryReachable(facts: ServiceFacts, userSource: string | null): Finding {
  if (userSource === 'local') return { id: 'directory-reachable', status: 'skip', key: 'cloud-only' };
  if (!facts.directoryAt) return { id: 'directory-reachable', status: 'skip', key: 'no-directory' };
  const probe = probeView(facts);
  if (!probe) {
    return facts.probeError
      ? { id: 'directory-reachable', status: 'fail', key: 'unreachable', params: { reason: facts.probeError }, evidence: [['error', { error: facts.probeError }]] }
      : { id: 'directory-reachable', status: 'skip', key: 'no-view' };
  }
  const evidence = probeEvidence(probe);
  const reason = probe.error ? `${probe.error.reason} (${probe.error.raw.slice(0, 120)})` : 'no answer';
  if (!probe.reachable) return { id: 'directory-reachable', status: 'fail', key: 'unreachable', params: { reason }, evidence };
  if (!probe.encrypted) return { id: 'directory-reachable', status: 'fail', key: 'not-encrypted', evidence };
  if (!probe.serviceBindOk) return { id: 'directory-reachable', status: 'fail', key: 'bind-failed', params: { reason }, evidence };
  return { id: 'directory-reachable', status: 'pass', key: 'ok', params: { ms: Math.round(probe.latencyMs) }, evidence };
}

/** `directory-permissions` for the service: the DC advertises policy hints (AD only). */
function serviceDirectoryPermissions(facts: ServiceFacts): Finding {
  if (!facts.directoryAt) return { id: 'directory-permissions', status: 'skip', key: 'no-directory' };
  const probe = probeView(facts);
  if (!probe || !probe.reachable) return { id: 'directory-permissions', status: 'skip', key: 'no-view' };
  const evidence: Finding['evidence'] = [['policy-hints', { hints: probe.policyHints === null ? 'n/a' : String(probe.policyHints) }]];
  if (probe.policyHints === false) return { id: 'directory-permissions', status: 'warn', key: 'no-hints', evidence };
  return { id: 'directory-permissions', status: 'pass', key: 'service-ok', evidence };
}

/**
 * Why the user's directory object could not be read: no agent is connected to this process (the CLI, or another
 * node: the doctor says where to run it), or the inspection failed.
 */
function notInspected(facts: UserFacts, id: CheckId, fallback: string): Finding {
  if (facts.inspectionNotHere) return { id, status: 'skip', key: 'inspection-not-here', params: { user: facts.user.username } };
  return { id, status: 'skip', key: 'no-inspection', params: { reason: facts.inspectionError ?? fallback } };
}

const lastFailureEvidence = (facts: UserFacts): NonNullable<Finding["evidence"]> => {
  const outcome = facts.writeOutcome;
  if (!outcome || outcome.outcome !== 'failure') return [];
  const reason = String(outcome.detail.directoryReason ?? outcome.detail.reason ?? '?');
  return [['last-writeback-failure', { reason, at: iso(outcome.at) }]];
};

/** `directory-permissions` on the user's object: the service account's effective rights as read by the inspector. */
export function directoryPermissions(facts: UserFacts): Finding {
  if (!isDirectoryUser(facts)) return { id: 'directory-permissions', status: 'skip', key: 'cloud-only' };
  const { inspection } = facts;
  if (!inspection) return notInspected(facts, 'directory-permissions', 'no inspector');
  const failures = lastFailureEvidence(facts);
  const lastDenied = facts.writeOutcome?.outcome === 'failure' && [facts.writeOutcome.detail.directoryReason, facts.writeOutcome.detail.reason].includes('access-denied');
  const rights = inspection.rights;
  if (!rights) {
    return lastDenied
      ? { id: 'directory-permissions', status: 'fail', key: 'denied-recorded', evidence: failures }
      : { id: 'directory-permissions', status: 'skip', key: 'cannot-tell', evidence: failures };
  }
  const evidence: Finding['evidence'] = [['rights', { rights: rights.evidence }], ...(failures ?? [])];
  if (rights.missing.length > 0) return { id: 'directory-permissions', status: 'fail', key: 'missing', params: { missing: rights.missing.join(', ') }, evidence };
  const hints = facts.probe?.policyHints;
  if (hints === false) return { id: 'directory-permissions', status: 'warn', key: 'no-hints', evidence: [...evidence, ['policy-hints', { hints: 'false' }]] };
  return { id: 'directory-permissions', status: 'pass', key: 'ok', evidence };
}

/** `user-linked`: exactly one directory object with the login name, carrying the synced anchor. */
export function userLinked(facts: UserFacts): Finding {
  if (!isDirectoryUser(facts)) return { id: 'user-linked', status: 'skip', key: 'cloud-only' };
  const { inspection } = facts;
  if (!inspection) return notInspected(facts, 'user-linked', 'no inspector');
  const evidence: Finding['evidence'] = [['matches', { matches: inspection.matches, anchor: facts.user.anchor ?? '-', found: inspection.account?.anchor || '-' }]];
  if (inspection.matches === 0) return { id: 'user-linked', status: 'fail', key: 'not-found', evidence };
  if (inspection.matches > 1) return { id: 'user-linked', status: 'fail', key: 'multiple', params: { matches: inspection.matches }, evidence };
  if (inspection.anchorMatches === false) return { id: 'user-linked', status: 'fail', key: 'anchor-mismatch', evidence };
  if (facts.user.anchor === null) return { id: 'user-linked', status: 'warn', key: 'no-anchor', evidence };
  return { id: 'user-linked', status: 'pass', key: 'linked', evidence };
}

/** `protected-account`: adminCount=1 / protected group membership as the directory reports it. */
export function protectedAccount(facts: UserFacts): Finding {
  if (!isDirectoryUser(facts)) return { id: 'protected-account', status: 'skip', key: 'cloud-only' };
  const account = facts.inspection?.account;
  if (!account) return notInspected(facts, 'protected-account', 'account not found');
  const evidence: Finding['evidence'] = [['protected', { protected: String(account.protectedAccount), groups: account.memberOf.join(' | ') || '-' }]];
  return account.protectedAccount
    ? { id: 'protected-account', status: 'fail', key: 'protected', evidence }
    : { id: 'protected-account', status: 'pass', key: 'ok', evidence };
}

/** `account-state`: disabled or expired (fail), locked / must change / password expired (warn: a reset fixes them). */
export function accountState(facts: UserFacts): Finding {
  const local = { enabled: facts.user.enabled, locked: false, mustChangePassword: false, passwordExpired: false, accountExpired: false };
  if (isDirectoryUser(facts) && !facts.inspection?.account) {
    if (!facts.user.enabled) return { id: 'account-state', status: 'fail', key: 'disabled' };
    return notInspected(facts, 'account-state', 'account not found');
  }
  const state = isDirectoryUser(facts) && facts.inspection?.account ? facts.inspection.account : local;
  const enabled = state.enabled && facts.user.enabled;
  const evidence: Finding['evidence'] = [
    ['state', { enabled: String(enabled), locked: String(state.locked), mustChange: String(state.mustChangePassword), passwordExpired: String(state.passwordExpired), accountExpired: String(state.accountExpired) }],
  ];
  if (!enabled) return { id: 'account-state', status: 'fail', key: 'disabled', evidence };
  if (state.accountExpired) return { id: 'account-state', status: 'fail', key: 'expired', evidence };
  if (state.locked) return { id: 'account-state', status: 'warn', key: 'locked', evidence };
  if (state.mustChangePassword) return { id: 'account-state', status: 'warn', key: 'must-change', evidence };
  if (state.passwordExpired) return { id: 'account-state', status: 'warn', key: 'password-expired', evidence };
  return { id: 'account-state', status: 'pass', key: 'ok', evidence };
}

/**
 * `password-policy`: minimum password age vs the last change (OpenLDAP ppolicy applies pwdMinAge to the service
 * account's Password Modify too; AD applies minPwdAge to changes, not to administrative resets, so there it warns),
 * a directory stricter than this service, and the directory's last refusal from the audit trail.
 */
export function passwordPolicy(facts: UserFacts): Finding {
  if (!isDirectoryUser(facts)) return { id: 'password-policy', status: 'pass', key: 'cloud-only' };
  const { inspection } = facts;
  if (!inspection?.account) return notInspected(facts, 'password-policy', 'account not found');
  const policy = inspection.policy ?? {};
  const minAge = policy.minAgeSeconds ?? 0;
  const changed = inspection.passwordChangedAt;
  const evidence: Finding['evidence'] = [
    [
      'dir-policy',
      {
        minLength: policy.minLength ?? '-',
        minAge: duration(minAge),
        history: policy.historyLength ?? '-',
        lockout: policy.lockoutThreshold ?? '-',
        changed: changed ? iso(changed) : '-',
      },
    ],
    ...lastFailureEvidence(facts),
  ];
  if (minAge > 0 && changed !== null && changed + minAge * 1000 > facts.now) {
    const params = { minAge: duration(minAge), until: iso(changed + minAge * 1000) };
    return { id: 'password-policy', status: facts.directoryKind && !resetsHonourMinimumAge(facts.directoryKind) ? 'warn' : 'fail', key: 'too-young', params, evidence };
  }
  const outcome = facts.writeOutcome;
  const refusedReason = outcome?.outcome === 'failure' ? String(outcome.detail.reason ?? '') : '';
  if (refusedReason.startsWith('writeback-') && refusedReason !== 'writeback-unavailable') {
    return { id: 'password-policy', status: 'warn', key: 'last-refused', params: { reason: String(outcome?.detail.directoryReason ?? refusedReason) }, evidence };
  }
  if (minAge > 0) return { id: 'password-policy', status: 'warn', key: 'min-age-set', params: { minAge: duration(minAge) }, evidence };
  const ours = facts.config.password.minLength;
  if ((policy.minLength ?? 0) > ours) return { id: 'password-policy', status: 'warn', key: 'stricter', params: { dirMin: policy.minLength ?? 0, ourMin: ours }, evidence };
  return { id: 'password-policy', status: 'pass', key: 'ok', evidence };
}

export const directoryReachableCheck = sharedWithService('directory-reachable', directoryReachable);

export const directoryPermissionsCheck: DoctorCheck = {
  id: 'directory-permissions',
  user: directoryPermissions,
  service: serviceDirectoryPermissions,
  count: () => ({ failing: 0, warning: 0, basis: 'per user object only (read from the directory by a user-level run)' }),
};

export const userLinkedCheck: DoctorCheck = {
  id: 'user-linked',
  user: userLinked,
  count: ({ facts }) => ({ failing: 0, warning: facts.users.directoryWithoutAnchor, basis: `${STORE_BASIS}: directory accounts without a sync anchor; matches per user only` }),
};

export const protectedAccountCheck: DoctorCheck = {
  id: 'protected-account',
  user: protectedAccount,
  count: () => ({ failing: 0, warning: 0, basis: 'per user object only (adminCount / protected groups are read from the directory)' }),
};

export const accountStateCheck: DoctorCheck = {
  id: 'account-state',
  user: accountState,
  count: ({ facts }) => ({ failing: facts.users.disabled, warning: 0, basis: `${STORE_BASIS}: disabled accounts; directory flags per user only` }),
};

export const passwordPolicyCheck: DoctorCheck = {
  id: 'password-policy',
  user: passwordPolicy,
  count: async ({ repo }) => ({ failing: 0, warning: await repo.usersWithRefusedReset(), basis: `${STORE_BASIS}: newest reset refused by the directory` }),
};
