import { heartbeatIsFresh } from '../../writeback/agents-repository.js';
import type { Finding } from '../doctor-types.js';
import type { AgentStatus } from '../../writeback/agents-repository.js';
import { iso, type ServiceFacts, type ServiceRunFacts, type UserFacts } from '../facts.js';
import { sharedWithService, type DoctorCheck } from '../doctor-check.js';

/** Clock offsets beyond this break sealed jobs' deadlines (and TLS validity windows). */
export const MAX_CLOCK_OFFSET_MS = 60_000;

const sourceEvidence = (facts: ServiceFacts, source: string): Finding['evidence'] => [
  ['source', { source, directory: facts.directoryKind ?? '-', enabled: String(facts.config.writeback.enabled), mode: facts.config.writeback.mode }],
];

/**
 * `writeback-enabled` for one user: directory-managed accounts need a directory this service can write to —
 * configured here, or (agent mode) behind the agents, which hold its settings — and writeback on.
 */
export function writebackEnabled(facts: UserFacts): Finding {
  const source = facts.user.source;
  const evidence = sourceEvidence(facts, source);
  if (source === 'local') return { id: 'writeback-enabled', status: 'pass', key: 'cloud-only', evidence };
  if (!facts.directoryAt) return { id: 'writeback-enabled', status: 'fail', key: 'no-directory', params: { source }, evidence };
  if (!facts.config.writeback.enabled) return { id: 'writeback-enabled', status: 'fail', key: 'off', params: { source }, evidence };
  return { id: 'writeback-enabled', status: 'pass', key: facts.directoryAt === 'agents' ? 'on-agents' : 'on', params: { source, mode: facts.config.writeback.mode }, evidence };
}

/** `writeback-enabled` for the service: directory-managed accounts without a directory, or writeback off, fail. */
function serviceWritebackEnabled(facts: ServiceRunFacts): Finding {
  const directoryUsers = facts.users.directory;
  const source = facts.directoryKind ?? '-';
  const evidence = sourceEvidence(facts, `${directoryUsers} directory-managed users`);
  if (!facts.directoryAt) return { id: 'writeback-enabled', status: directoryUsers > 0 ? 'fail' : 'pass', key: directoryUsers > 0 ? 'no-directory' : 'service-none', params: { source: 'on-premises' }, evidence };
  if (!facts.config.writeback.enabled) return { id: 'writeback-enabled', status: 'fail', key: 'off', params: { source }, evidence };
  return { id: 'writeback-enabled', status: 'pass', key: facts.directoryAt === 'agents' ? 'service-on-agents' : 'service-on', params: { source, mode: facts.config.writeback.mode }, evidence };
}

/** Why agent checks do not apply, or null when they do (agent mode, writeback on, a directory account / service run). */
function notApplicable(facts: ServiceFacts, source: string | null): string | null {
  if (source === 'local') return 'cloud-only';
  if (!facts.config.writeback.enabled) return 'off';
  if (facts.config.writeback.mode === 'direct') return 'direct';
  return null;
}

function agentsFor(facts: ServiceFacts, source: string): AgentStatus[] {
  return facts.agents.filter((a) => a.revokedAt === null && a.directory === source);
}

function describe(agents: AgentStatus[], now: number): string {
  if (agents.length === 0) return '-';
  return agents
    .map((a) => `${a.name} (${a.connectedNode ? `connected to ${a.connectedNode}` : 'disconnected'}, last seen ${a.lastSeenAt ? `${Math.round((now - a.lastSeenAt) / 1000)} s ago` : 'never'})`)
    .join(', ');
}

/** `agent-connected`: an enrolled, connected agent for the directory whose last heartbeat is recent enough. */
export function agentConnected(facts: ServiceFacts, userSource: string | null): Finding {
  const skip = notApplicable(facts, userSource);
  if (skip) return { id: 'agent-connected', status: 'skip', key: skip };
  const source = userSource ?? facts.directoryKind ?? '-';
  const agents = agentsFor(facts, source);
  const evidence: Finding['evidence'] = [['agents', { source, agents: describe(agents, facts.now) }]];
  if (agents.length === 0) return { id: 'agent-connected', status: 'fail', key: 'none-enrolled', params: { source }, evidence };
  const connected = agents.filter((a) => a.connectedNode !== null);
  if (connected.length === 0) return { id: 'agent-connected', status: 'fail', key: 'none-connected', params: { source }, evidence };
  const fresh = connected.filter((a) => heartbeatIsFresh(a.lastSeenAt, a.heartbeatSeconds ?? facts.config.writeback.heartbeatSeconds, facts.now));
  if (fresh.length === 0) {
    const newest = Math.max(...connected.map((a) => a.lastSeenAt ?? 0));
    const interval = connected[0]?.heartbeatSeconds ?? facts.config.writeback.heartbeatSeconds;
    return { id: 'agent-connected', status: 'fail', key: 'stale', params: { source, age: newest ? Math.round((facts.now - newest) / 1000) : -1, interval }, evidence };
  }
  return { id: 'agent-connected', status: 'pass', key: 'connected', params: { source, count: fresh.length }, evidence };
}

/** `agent-network`: connection errors the agents reported, and their clock offset measured at heartbeat. */
export function agentNetwork(facts: ServiceFacts, userSource: string | null): Finding {
  const skip = notApplicable(facts, userSource);
  if (skip) return { id: 'agent-network', status: 'skip', key: skip };
  const source = userSource ?? facts.directoryKind ?? '-';
  const agents = agentsFor(facts, source);
  const reported = agents.filter((a) => a.report !== null || a.clockOffsetMs !== null);
  if (reported.length === 0) return { id: 'agent-network', status: 'skip', key: 'no-reports', evidence: [['agents', { source, agents: describe(agents, facts.now) }]] };
  const skewed = reported.find((a) => a.clockOffsetMs !== null && Math.abs(a.clockOffsetMs) > MAX_CLOCK_OFFSET_MS);
  const errors = reported.flatMap((a) => (a.report?.connectErrors ?? []).map((e) => ({ agent: a.name, ...e }))).sort((a, b) => a.at - b.at);
  const newestError = errors.at(-1);
  const evidence: Finding['evidence'] = [
    ['agents', { source, agents: describe(agents, facts.now) }],
    ...errors.slice(-3).map((e): [string, Record<string, string>] => ['error', { error: `${e.agent} ${iso(e.at)}: ${e.message}` }]),
    ...reported.filter((a) => a.clockOffsetMs !== null).map((a): [string, Record<string, string>] => ['error', { error: `${a.name} clock offset ${a.clockOffsetMs} ms` }]),
  ];
  if (skewed) return { id: 'agent-network', status: 'fail', key: 'clock-skew', params: { agent: skewed.name, seconds: Math.round((skewed.clockOffsetMs ?? 0) / 1000) }, evidence };
  if (newestError) {
    const connected = agents.some((a) => a.connectedNode !== null);
    return { id: 'agent-network', status: connected ? 'warn' : 'fail', key: connected ? 'errors-connected' : 'errors', params: { error: newestError.message }, evidence };
  }
  return { id: 'agent-network', status: 'pass', key: 'ok', evidence };
}

export const writebackEnabledCheck: DoctorCheck = {
  id: 'writeback-enabled',
  user: writebackEnabled,
  service: serviceWritebackEnabled,
  count: ({ facts }) => ({
    failing: !facts.directoryAt || !facts.config.writeback.enabled ? facts.users.directory : 0,
    warning: 0,
    basis: 'directory-managed accounts × service setting',
  }),
};

export const agentConnectedCheck = sharedWithService('agent-connected', agentConnected);
export const agentNetworkCheck = sharedWithService('agent-network', agentNetwork);
