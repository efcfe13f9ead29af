import { heartbeatIsFresh, type AgentStatus } from '../../writeback/agents-repository.js';
import type { AgentFeature } from '../../writeback/agent-protocol/protocol.js';
import type { Finding } from '../doctor-types.js';
import type { ServiceFacts } from '../facts.js';
import { sharedWithService } from '../doctor-check.js';

/** The feature a helpdesk reset needs to leave "must change at next sign-in" set (docs/agent.md). */
const MUST_CHANGE: AgentFeature = 'must-change';

/**
 * `agent-features`: the agents connected for the directory announced the optional features the service may use.
 * The helpdesk may always require "must change at next sign-in" (the option is offered on every reset, checked by
 * default; no policy switches it off), and such a reset goes only to an agent that announced 'must-change': with
 * none of the connected agents announcing it the option is refused (writeback-must-change-unsupported), with only
 * some it rests on those. Both warn — resets without the option still work. Skipped where no agent is involved,
 * and while none is connected (agent-connected fails then). An agent connected before its features were
 * recorded counts as lacking them.
 */
export function agentFeatures(facts: ServiceFacts, userSource: string | null): Finding {
  if (userSource === 'local') return { id: 'agent-features', status: 'skip', key: 'cloud-only' };
  if (!facts.config.writeback.enabled) return { id: 'agent-features', status: 'skip', key: 'off' };
  if (facts.config.writeback.mode === 'direct') return { id: 'agent-features', status: 'skip', key: 'direct' };
  const source = userSource ?? facts.directoryKind ?? '-';
  const connected = facts.agents.filter(
    (a) => a.revokedAt === null && a.directory === source && a.connectedNode !== null && heartbeatIsFresh(a.lastSeenAt, a.heartbeatSeconds ?? facts.config.writeback.heartbeatSeconds, facts.now),
  );
  if (connected.length === 0) return { id: 'agent-features', status: 'skip', key: 'no-agents', params: { source } };
  const evidence: Finding['evidence'] = [['agents', { source, agents: connected.map(withFeatures).join(', ') }]];
  const lacking = connected.filter((a) => !(a.features ?? []).includes(MUST_CHANGE));
  if (lacking.length === 0) return { id: 'agent-features', status: 'pass', key: 'ok', params: { source, count: connected.length }, evidence };
  const agents = lacking.map((a) => a.name).join(', ');
  if (lacking.length === connected.length) return { id: 'agent-features', status: 'warn', key: 'must-change-none', params: { source, agents }, evidence };
  return { id: 'agent-features', status: 'warn', key: 'must-change-some', params: { source, agents, count: lacking.length }, evidence };
}

function withFeatures(agent: AgentStatus): string {
  return `${agent.name} (${agent.features === null ? 'features not recorded' : agent.features.length === 0 ? 'no features' : agent.features.join(', ')})`;
}

export const agentFeaturesCheck = sharedWithService('agent-features', agentFeatures);
