import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import { heartbeatIsFresh, type AgentsRepository } from '../agents-repository.js';
import type { Audit } from '../../audit/audit.js';
import type { Clock } from '../../store/clock.js';
import type { AgentFeature, ResultMessage } from '../agent-protocol/protocol.js';
import { AgentSession } from './agent-session.js';
import type { JobRow, JobsRepository } from './jobs-repository.js';
import type { JobSignal, NodeSignals } from './node-signals.js';

/** The frame limit of the agent socket (the largest protocol frame is a relayed sync slice holding one very large group). */
const MAX_FRAME_BYTES = 17 * 1_048_576;
const PENDING_POLL_MS = 1000;
const HOUSEKEEPING_MS = 60_000;
/** Ended jobs are kept this long for `sspr doctor` and support, then deleted (the audit trail stays). */
const ENDED_JOB_RETENTION_MS = 7 * 24 * 3_600_000;

/** What a waiter learns about its job without re-reading the row. */
export type JobEvent = { kind: 'finished'; job: JobRow } | { kind: 'changed' };

export interface AgentHubDeps {
  agents: AgentsRepository;
  jobs: JobsRepository;
  signals: NodeSignals;
  audit: Audit;
  clock: Clock;
  log: Logger;
  /** Unique per server process; marks which node holds an agent's socket. */
  nodeId: string;
  heartbeatSeconds: number;
  /** Poll for jobs queued by other nodes (a safety net for a lost NOTIFY); pointless with a single node. */
  pollPendingJobs: boolean;
}

/**
 * This node's agent sockets. Accepts WebSocket upgrades on /api/v1/agent/connect, hands jobs to ready agents,
 * records their results with compare-and-set (a result that arrives after the job was decided is audited as
 * late, never applied to the job), marks jobs lost when an agent's socket ends, picks up jobs other nodes
 * queued for agents connected here, and drops agents that missed three heartbeats.
 */
export class AgentHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly sessions = new Map<string, AgentSession>();

  /** Agents connected to this node now (ready or not). */
  get connectedAgents(): number {
    return this.sessions.size;
  }
  private readonly waiters = new Map<string, Set<(event: JobEvent) => void>>();
  /** Jobs this node dispatched and is waiting for: their row as inserted, to spare a read per result. */
  private readonly tracked = new Map<string, JobRow>();
  private readonly timers: NodeJS.Timeout[] = [];
  private rotation = 0;

  constructor(private readonly deps: AgentHubDeps) {
    deps.signals.subscribe((signal) => void this.onSignal(signal).catch((error: unknown) => deps.log.error({ err: error }, 'writeback signal handling failed')));
    this.timers.push(setInterval(() => this.dropStale(), 5000).unref());
    if (deps.pollPendingJobs) this.timers.push(setInterval(() => void this.pickUpPending().catch(() => undefined), PENDING_POLL_MS).unref());
    this.timers.push(setInterval(() => void this.housekeeping().catch((error: unknown) => deps.log.warn({ err: error }, 'writeback job housekeeping failed')), HOUSEKEEPING_MS).unref());
  }

  /** Node's 'upgrade' handler for the agent endpoint. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      new AgentSession(ws, this.deps, {
        ready: (session, hello) => void this.onReady(session, hello.pendingResults).catch((error: unknown) => this.deps.log.error({ err: error }, 'agent start-up handling failed')),
        result: (session, result) => void this.onResult(session, result).catch((error: unknown) => this.deps.log.error({ err: error }, 'agent result handling failed')),
        closed: (session) => void this.onClosed(session).catch((error: unknown) => this.deps.log.error({ err: error }, 'agent close handling failed')),
      });
    });
  }

  /**
   * A ready agent on this node (round robin) for this directory kind, or of any kind for null, that announced
   * `feature` when one is named; else null.
   */
  pick(directory: string | null, feature?: AgentFeature): AgentSession | null {
    const ready = [...this.sessions.values()].filter((s) => s.ready && (directory === null || s.directory === directory) && (feature === undefined || s.supports(feature)));
    if (ready.length === 0) return null;
    this.rotation = (this.rotation + 1) % ready.length;
    return ready[this.rotation] ?? null;
  }

  /** Registers interest in a job's changes; call the returned function to stop listening. */
  watch(jobId: string, listener: (event: JobEvent) => void): () => void {
    const set = this.waiters.get(jobId) ?? new Set();
    set.add(listener);
    this.waiters.set(jobId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.waiters.delete(jobId);
    };
  }

  track(job: JobRow): void {
    this.tracked.set(job.id, job);
  }

  untrack(jobId: string): void {
    this.tracked.delete(jobId);
  }

  /** Tells local waiters, and (when none is here) the other nodes, that a job changed. */
  async announce(job: Pick<JobRow, 'id' | 'directory'>, event: JobEvent): Promise<void> {
    const local = this.waiters.get(job.id);
    if (local) for (const listener of [...local]) listener(event);
    else await this.deps.signals.publish({ kind: 'job-changed', jobId: job.id, directory: job.directory });
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const session of this.sessions.values()) session.close(1001, 'server shutting down');
    await Promise.all([...this.sessions.values()].map((s) => this.deps.agents.markDisconnected(s.agentId, this.deps.nodeId)));
    this.sessions.clear();
    this.wss.close();
  }

  private async onReady(session: AgentSession, pendingResults: ResultMessage[]): Promise<void> {
    const previous = this.sessions.get(session.agentId);
    this.sessions.set(session.agentId, session);
    if (previous && previous !== session) previous.close(4000, 'replaced by a newer connection of the same agent');
    this.deps.log.info({ agent: session.agentId, directory: session.directory, clockOffsetMs: session.clockOffsetMs }, 'writeback agent connected');
    await this.deps.audit.record({ event: 'agent.connected', outcome: 'info', detail: { agent: session.agentId, node: this.deps.nodeId, clockOffsetMs: session.clockOffsetMs } });
    for (const result of pendingResults) await this.onResult(session, result);
    const open = (await this.deps.jobs.openForAgent(session.agentId)).map((job) => job.id);
    if (open.length > 0) session.send({ type: 'status', jobIds: open.slice(0, 100) });
    await this.pickUpPending();
  }

  /**
   * Records an agent's result and wakes its waiter, then acknowledges it. The agent re-sends a result until it is
   * acknowledged, so the acknowledgement follows the record (a record that fails leaves the result to a later
   * hello); it leaves once the waiter's answer is on its way (setImmediate), since writing to the agent's socket
   * costs the waiter its turn on a busy host.
   */
  private async onResult(session: AgentSession, result: ResultMessage): Promise<void> {
    await this.record(session, result);
    setImmediate(() => session.send({ type: 'ack', jobId: result.jobId }));
  }

  private async record(session: AgentSession, result: ResultMessage): Promise<void> {
    const job = this.tracked.get(result.jobId) ?? (await this.deps.jobs.find(result.jobId));
    if (!job) return;
    if (result.outcome === 'unknown') {
      // The agent has no record of it (restarted or never received it): reconcile like a lost job.
      if (await this.deps.jobs.markLost(job.id, session.agentId)) await this.announce(job, { kind: 'changed' });
      return;
    }
    const state = result.outcome === 'success' ? 'succeeded' : 'failed';
    const now = this.deps.clock.now();
    const decided = await this.deps.jobs.finish(job.id, ['dispatched', 'lost'], { state, reason: result.reason ?? null, raw: result.raw ?? null, agentId: session.agentId }, now);
    if (decided) {
      await this.announce(job, { kind: 'finished', job: { ...job, state, reason: result.reason ?? null, raw: result.raw ?? null, envelopes: null, finishedAt: now } });
      return;
    }
    // Decided already (deadline passed, or verified after a loss): keep what the directory said for the audit.
    await this.deps.audit.record({
      event: 'writeback.late-result',
      outcome: result.outcome === 'success' ? 'success' : 'failure',
      userId: job.userId,
      username: job.username,
      detail: { job: job.id, agent: session.agentId, recordedState: job.state, reason: result.reason ?? null, raw: result.raw?.slice(0, 500) ?? null },
    });
  }

  private async onClosed(session: AgentSession): Promise<void> {
    if (this.sessions.get(session.agentId) !== session) return;
    this.sessions.delete(session.agentId);
    await this.deps.agents.markDisconnected(session.agentId, this.deps.nodeId);
    this.deps.log.warn({ agent: session.agentId }, 'writeback agent disconnected');
    await this.deps.audit.record({ event: 'agent.disconnected', outcome: 'info', detail: { agent: session.agentId, node: this.deps.nodeId } });
    for (const job of await this.deps.jobs.openForAgent(session.agentId)) {
      if (await this.deps.jobs.markLost(job.id, session.agentId)) {
        const detail = { job: job.id, agent: session.agentId };
        await this.deps.audit.record({ event: 'writeback.agent-lost', outcome: 'failure', userId: job.userId, username: job.username, detail });
        await this.announce(job, { kind: 'changed' });
      }
    }
  }

  /** Ends jobs orphaned by a crashed node (erasing their envelopes) and deletes old ended ones. */
  private async housekeeping(): Promise<void> {
    const now = this.deps.clock.now();
    const orphaned = await this.deps.jobs.expireOverdue(now);
    if (orphaned > 0) this.deps.log.warn({ jobs: orphaned }, 'ended writeback jobs whose waiting node is gone');
    await this.deps.jobs.purgeEnded(now - ENDED_JOB_RETENTION_MS);
  }

  private dropStale(): void {
    const now = this.deps.clock.now();
    for (const session of this.sessions.values()) {
      if (session.ready && !heartbeatIsFresh(session.lastSeenAt, this.deps.heartbeatSeconds, now)) {
        this.deps.log.warn({ agent: session.agentId }, 'writeback agent missed three heartbeats; closing its connection');
        session.close(4001, 'heartbeat missed three times');
      }
    }
  }

  private async onSignal(signal: JobSignal): Promise<void> {
    if (signal.kind === 'job-created') return this.pickUpPending();
    const local = this.waiters.get(signal.jobId);
    if (local) for (const listener of [...local]) listener({ kind: 'changed' });
  }

  /**
   * Claims queued jobs for the directories this node has agents for and sends each to an agent here that has a
   * copy sealed to it and announced, on its current connection, every feature the job needs: the features stored
   * when the job was sealed may have gone with a reconnect (an agent pinned to fewer, or replaced by an older
   * build), and such an agent would drop the field or refuse the envelope. A job no agent here can take stays
   * pending for another node, or ends at its deadline as not dispatched (nothing changed).
   */
  private async pickUpPending(): Promise<void> {
    const directories = [...new Set([...this.sessions.values()].filter((s) => s.ready).map((s) => s.directory))];
    const now = this.deps.clock.now();
    for (const job of await this.deps.jobs.pendingFor(directories, now)) {
      const session = [...this.sessions.values()].find((s) => s.ready && s.directory === job.directory && job.envelopes?.[s.agentId] && s.supportsAll(job.features));
      if (!session || !(await this.deps.jobs.claim(job.id, session.agentId, this.deps.nodeId, now))) continue;
      session.send({ type: 'job', jobId: job.id, envelope: job.envelopes?.[session.agentId], deadline: job.deadlineAt });
      await this.announce(job, { kind: 'changed' });
    }
  }
}
