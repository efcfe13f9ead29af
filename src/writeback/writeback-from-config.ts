import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/database.js';
import type { Clock } from '../store/clock.js';
import type { Audit } from '../audit/audit.js';
import type { OnPremDirectory } from '../directory/onprem/onprem-directory.js';
import { AgentsRepository } from './agents-repository.js';
import { JobsRepository } from './agent-gateway/jobs-repository.js';
import type { NodeSignals } from './agent-gateway/node-signals.js';
import type { AgentHub } from './agent-gateway/agent-hub.js';
import { DirectWriteback } from './direct-writeback.js';
import { AuditedWriteback } from './audited-writeback.js';
import type { Writeback } from './writeback.js';

export interface WritebackParts {
  /** Null when writeback is off, or direct mode without a directory: directory accounts cannot change passwords. */
  writeback: Writeback | null;
  /** Agent mode only: this node's agent sockets. */
  hub: AgentHub | null;
  agents: AgentsRepository;
  jobs: JobsRepository;
  nodeId: string;
  close(): Promise<void>;
}

/** Builds the writeback path the config asks for (validated at start-up). */
export async function writebackFromConfig(
  config: Config,
  deps: { store: Store; onprem: OnPremDirectory | null; audit: Audit; clock: Clock; log: Logger },
): Promise<WritebackParts> {
  const agents = new AgentsRepository(deps.store.db);
  const jobs = new JobsRepository(deps.store.db);
  const nodeId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const parts: WritebackParts = { writeback: null, hub: null, agents, jobs, nodeId, close: () => Promise.resolve() };
  if (!config.writeback.enabled) return parts;
  if (config.writeback.mode === 'direct') {
    if (deps.onprem) parts.writeback = new AuditedWriteback(new DirectWriteback(deps.onprem), deps.audit);
    return parts;
  }
  // The agent gateway (WebSocket server, HPKE sealing) is loaded in agent mode only: a direct-mode server never holds it.
  const [{ LocalSignals, PostgresSignals }, { AgentHub }, { AgentWriteback }] = await Promise.all([
    import('./agent-gateway/node-signals.js'),
    import('./agent-gateway/agent-hub.js'),
    import('./agent-gateway/agent-writeback.js'),
  ]);
  // Jobs are only ever queued for another node's agent, and only PostgreSQL deployments have other nodes.
  const multiNode = deps.store.dialect === 'postgres';
  const signals: NodeSignals =
    multiNode && config.databaseUrl
      ? await PostgresSignals.connect(config.databaseUrl, (error) => deps.log.warn({ err: error }, 'writeback notifications between nodes failed'))
      : new LocalSignals();
  const heartbeatSeconds = config.writeback.heartbeatSeconds;
  const hub = new AgentHub({ agents, jobs, signals, audit: deps.audit, clock: deps.clock, log: deps.log, nodeId, heartbeatSeconds, pollPendingJobs: multiNode });
  const agentWriteback = new AgentWriteback({
    hub, jobs, agents, signals, audit: deps.audit, clock: deps.clock, nodeId, heartbeatSeconds,
    jobTimeoutMs: config.writeback.jobTimeoutSeconds * 1000,
  });
  parts.writeback = new AuditedWriteback(agentWriteback, deps.audit);
  parts.hub = hub;
  parts.close = async () => {
    await hub.close();
    await signals.close();
  };
  return parts;
}
