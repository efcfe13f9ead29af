import type { Services } from '../app/services.js';
import { heartbeatIsFresh, type AgentStatus } from '../writeback/agents-repository.js';

/** One directory sync as the audit trail recorded it. */
export interface SyncRunRecord {
  at: number;
  outcome: string;
  mode: string | null;
  created: number | null;
  updated: number | null;
  disabled: number | null;
  reason: string | null;
  by: string | null;
}

export type AgentState = 'connected' | 'offline' | 'revoked';

export interface AgentView extends Omit<AgentStatus, 'report'> {
  state: AgentState;
  directoryReachable: boolean | null;
  directoryError: string | null;
  connectErrors: { at: number; message: string }[];
}

/** What the console's "Directory and agents" page and `GET /api/v1/admin/directory` show. */
export interface DirectoryStatus {
  /** Where writes go: direct (this service), agent (through agents), or none (cloud-only). */
  writeback: 'direct' | 'agent' | 'none';
  directoryKind: string | null;
  sync: { intervalMinutes: number; nextRunAt: number | null; runs: SyncRunRecord[] };
  agents: AgentView[];
}

const RUNS_SHOWN = 10;

function agentState(agent: AgentStatus, now: number): AgentState {
  if (agent.revokedAt !== null) return 'revoked';
  return agent.connectedNode !== null && heartbeatIsFresh(agent.lastSeenAt, agent.heartbeatSeconds ?? 30, now) ? 'connected' : 'offline';
}

/** Reads the sync history (the last runs from the audit trail) and every agent's state; changes nothing. */
export async function directoryStatus(services: Services): Promise<DirectoryStatus> {
  const { config, clock } = services;
  const now = clock.now();
  const runs = (await services.auditLog.latestOf('directory-sync', RUNS_SHOWN)).map((record): SyncRunRecord => {
    const detail = (record.detail ?? {}) as Record<string, unknown>;
    const number = (key: string) => (typeof detail[key] === 'number' ? (detail[key] as number) : null);
    const text = (key: string) => (typeof detail[key] === 'string' ? (detail[key] as string) : null);
    return { at: record.at, outcome: record.outcome, mode: text('mode'), created: number('created'), updated: number('updated'), disabled: number('disabled'), reason: text('reason'), by: text('by') };
  });
  const interval = config.sync.intervalMinutes;
  const agents = (await services.writeback.agents.list()).map(({ report, ...agent }): AgentView => ({
    ...agent,
    state: agentState({ ...agent, report }, now),
    directoryReachable: report?.directory.reachable ?? null,
    directoryError: report?.directory.error?.reason ?? null,
    connectErrors: report?.connectErrors ?? [],
  }));
  return {
    writeback: !config.writeback.enabled || (config.writeback.mode === 'direct' && !config.directory) ? 'none' : config.writeback.mode,
    directoryKind: config.directory?.kind ?? null,
    sync: { intervalMinutes: interval, nextRunAt: interval > 0 && runs[0] ? runs[0].at + interval * 60_000 : null, runs },
    agents,
  };
}
