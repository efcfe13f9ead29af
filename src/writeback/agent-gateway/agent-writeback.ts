import { randomBytes } from 'node:crypto';
import { DirectoryError, type DirectoryFailure, type DirectoryPasswordPolicy } from '../../directory/onprem/onprem-directory.js';
import { SsprError } from '../../errors/sspr-error.js';
import type { Clock } from '../../store/clock.js';
import type { Audit } from '../../audit/audit.js';
import { sealForAgent } from '../agent-protocol/sealed-password.js';
import type { SealedOperation } from '../agent-protocol/sealed-payload.js';
import { LEGACY_ENVELOPE_VERSION, negotiateEnvelopeVersion, type EnvelopeVersion } from '../agent-protocol/envelope-format.js';
import { directoryFailures, type AgentFeature } from '../agent-protocol/protocol.js';
import type { AgentsRepository } from '../agents-repository.js';
import type { MustChangeSupport, ResetWriteOptions, Writeback, WritebackOrigin, WritebackTarget } from '../writeback.js';
import type { AgentHub, JobEvent } from './agent-hub.js';
import type { AgentSession } from './agent-session.js';
import { mustChangeRefusal } from '../must-change.js';
import type { JobRow, JobsRepository } from './jobs-repository.js';
import type { NodeSignals } from './node-signals.js';

const POLL_MS = 250;
/** Slack when comparing the directory's change time with the job's start (clock granularity, offset error). */
const CHANGE_TIME_SLACK_MS = 1500;
/** How long after losing an agent the directory is given to finish a write that agent had already sent. */
const SETTLE_MS = 1000;

export interface AgentWritebackDeps {
  hub: AgentHub;
  jobs: JobsRepository;
  agents: AgentsRepository;
  signals: NodeSignals;
  audit: Audit;
  clock: Clock;
  nodeId: string;
  jobTimeoutMs: number;
  heartbeatSeconds: number;
}

interface Secrets {
  newPassword?: string;
  oldPassword?: string;
  mustChange?: true;
}

/**
 * "agent" mode: every write becomes a job sealed to an agent's public key and answered within the deadline.
 * A ready agent on this node gets the job at once (the envelope travels in that message only); otherwise the
 * job is queued with envelopes sealed to every agent connected to another node — stored only while the job is
 * open — and the node holding one claims it. No connected agent is
 * an immediate writeback-no-agent. When an agent's socket ends mid-job, the job is reconciled: another (or the
 * reconnected) agent reads the account's password-change time; a change after the job started means it was
 * applied, otherwise the job is sent again — so a job is applied at most once and the user gets a definite
 * answer: success, the directory's reason, "not changed" (never dispatched) or "unconfirmed" (deadline).
 * A job that needs an optional protocol feature (a reset with mustChange needs 'must-change') is sealed and sent
 * only to agents that announced it; when agents are connected but none did, it is refused before anything is
 * sealed (writeback-must-change-unsupported), so the flag is never dropped on the way.
 */
export class AgentWriteback implements Writeback {
  readonly mode = 'agent';

  constructor(private readonly deps: AgentWritebackDeps) {}

  async reset(target: WritebackTarget, newPassword: string, origin: 'reset' | 'admin-reset', options: ResetWriteOptions = {}): Promise<void> {
    await this.run('reset', origin, target, { newPassword, ...(options.mustChange === true ? { mustChange: true as const } : {}) });
  }

  /**
   * What `reset(…, { mustChange: true })` would meet now, by the route `run` takes: 'agent-lacks' exactly when it
   * would be refused as agentTooOld; 'supported' otherwise — also with no agent connected at all (the reset then
   * fails with writeback-no-agent, the real reason).
   */
  async mustChangeSupport(source: string): Promise<MustChangeSupport> {
    return (await this.route(source, 'must-change', this.deps.clock.now())).kind === 'lacking' ? 'agent-lacks' : 'supported';
  }

  async change(target: WritebackTarget, oldPassword: string, newPassword: string): Promise<void> {
    await this.run('change', 'change', target, { oldPassword, newPassword });
  }

  async unlock(target: WritebackTarget): Promise<void> {
    await this.run('unlock', 'unlock', target, {});
  }

  async verifyPassword(target: WritebackTarget, password: string): Promise<boolean> {
    try {
      await this.run('verify', 'verify', target, { oldPassword: password });
      return true;
    } catch (error) {
      if (error instanceof DirectoryError && error.reason === 'invalid-credentials') return false;
      throw error;
    }
  }

  async passwordPolicy(target: WritebackTarget): Promise<DirectoryPasswordPolicy | null> {
    const session = this.deps.hub.pick(target.source);
    if (!session) return null;
    const answer = await session.query('policy', { username: target.username, anchor: target.anchor }, Math.min(3000, this.deps.jobTimeoutMs));
    return answer.ok && answer.data && typeof answer.data === 'object' ? (answer.data as DirectoryPasswordPolicy) : null;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Where a job for this directory that needs `needs` goes now — the one decision behind `run` and
   * `mustChangeSupport`: a ready agent on this node that announced it (no query), else the agents other nodes hold
   * that announced it (one query of the stored agents); 'lacking' when agents are connected but none announced it,
   * 'none' when no agent is connected at all.
   */
  private async route(source: string, needs: AgentFeature | undefined, now: number): Promise<Route> {
    const session = this.deps.hub.pick(source, needs);
    if (session) return { kind: 'here', session };
    const connected = await this.deps.agents.connectedFor(source, this.deps.heartbeatSeconds, now);
    const able = needs === undefined ? connected : connected.filter((agent) => agent.features.includes(needs));
    if (able.length > 0) return { kind: 'queue', agents: able };
    if (needs !== undefined && (connected.length > 0 || this.deps.hub.pick(source))) return { kind: 'lacking' };
    return { kind: 'none' };
  }

  private async run(operation: SealedOperation, origin: WritebackOrigin | 'verify', target: WritebackTarget, secrets: Secrets): Promise<void> {
    const now = this.deps.clock.now();
    const deadline = now + this.deps.jobTimeoutMs;
    const jobId = `wb-${randomBytes(16).toString('base64url')}`;
    const payload = { jobId, operation, account: { username: target.username, anchor: target.anchor ?? '-' }, ...secrets, notAfter: deadline };
    const seal: Seal = (publicKey, version) => sealForAgent(publicKey, payload, this.deps.clock.now(), version);
    const base = { id: jobId, userId: target.userId, username: target.username, operation, directory: target.source, origin, createdAt: now, deadlineAt: deadline, nodeId: this.deps.nodeId };
    const needs: AgentFeature | undefined = secrets.mustChange === true ? 'must-change' : undefined;
    const route = await this.route(target.source, needs, now);
    if (route.kind === 'lacking') throw mustChangeRefusal('agentTooOld');
    if (route.kind === 'none') throw new SsprError('writeback-no-agent');
    const features = needs === undefined ? [] : [needs];

    const events: JobEvent[] = [];
    let wake: (() => void) | null = null;
    const stop = this.deps.hub.watch(jobId, (event) => {
      events.push(event);
      wake?.();
    });
    try {
      if (route.kind === 'here') {
        const { session } = route;
        // Handed over at once: the envelope exists only in this message; a retry re-seals from this request.
        const job = { ...base, features, state: 'dispatched' as const, agentId: session.agentId, envelopes: null };
        await this.deps.jobs.insert(job);
        this.deps.hub.track({ ...job, finishedAt: null, reason: null, raw: null });
        session.send({ type: 'job', jobId, envelope: await seal(session.publicKey, session.envelopeVersion), deadline, ...accountHint(session, target) });
      } else {
        // Each agent's copy in the version negotiated on its own connection (stored by the node holding it).
        const sealed = await Promise.all(route.agents.map(async (agent) => [agent.id, await seal(agent.publicKey, storedVersion(agent.envelopeVersion))] as const));
        const envelopes = Object.fromEntries(sealed);
        await this.deps.jobs.insert({ ...base, features, state: 'pending', agentId: null, envelopes });
        await this.deps.signals.publish({ kind: 'job-created', jobId, directory: target.source });
      }
      const job = await this.awaitOutcome(jobId, deadline, target, seal, needs, events, (w) => (wake = w));
      return outcomeOf(job);
    } finally {
      stop();
      this.deps.hub.untrack(jobId);
    }
  }

  private async awaitOutcome(
    jobId: string,
    deadline: number,
    target: WritebackTarget,
    seal: Seal,
    needs: AgentFeature | undefined,
    events: JobEvent[],
    setWake: (wake: (() => void) | null) => void,
  ): Promise<JobRow> {
    const reconciled = new Set<string>();
    let lostSince: number | null = null;
    let readRow = false; // the first look waits for the agent's answer instead of reading the row at once
    for (;;) {
      const finished = events.find((e) => e.kind === 'finished');
      if (finished?.kind === 'finished') return finished.job;
      if (!readRow && events.length === 0) {
        readRow = true;
        await this.sleepUntilEvent(deadline, setWake);
        continue;
      }
      events.length = 0;
      const job = await this.deps.jobs.find(jobId);
      if (!job) throw new SsprError('internal');
      if (job.state === 'succeeded' || job.state === 'failed') return job;
      const now = this.deps.clock.now();
      if (now >= deadline) return this.expire(job, now);
      if (job.state === 'lost') {
        lostSince ??= now;
        // Let a write the lost agent already sent reach the directory before judging by its change time.
        if (now - lostSince >= SETTLE_MS) await this.reconcile(job, target, seal, needs, reconciled);
      }
      if (events.length > 0) continue;
      await this.sleepUntilEvent(deadline, setWake);
    }
  }

  /** Waits for a job event, at most POLL_MS and never past the deadline. */
  private async sleepUntilEvent(deadline: number, setWake: (wake: (() => void) | null) => void): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - this.deps.clock.now())));
      setWake(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    setWake(null);
  }

  /** At the deadline: a job no agent took was never applied; a job an agent took is unconfirmed. */
  private async expire(job: JobRow, now: number): Promise<JobRow> {
    if (await this.deps.jobs.finish(job.id, ['pending'], { state: 'failed', reason: 'not-dispatched', raw: 'no agent took the job before its deadline' }, now)) {
      return { ...job, state: 'failed', reason: 'not-dispatched' };
    }
    if (await this.deps.jobs.finish(job.id, ['dispatched', 'lost'], { state: 'failed', reason: 'unconfirmed', raw: `no answer from agent ${job.agentId ?? '?'} before the deadline` }, now)) {
      return { ...job, state: 'failed', reason: 'unconfirmed' };
    }
    return (await this.deps.jobs.find(job.id)) ?? job;
  }

  /**
   * A lost job: ask a ready agent (other than one already asked) whether the directory's password-change time
   * lies after the job started. Yes → the lost agent applied it; no → hand the job to this agent. Only an agent
   * with the feature the job needs is asked (it may be handed the job).
   */
  private async reconcile(job: JobRow, target: WritebackTarget, seal: Seal, needs: AgentFeature | undefined, asked: Set<string>): Promise<void> {
    const session = this.deps.hub.pick(job.directory, needs);
    if (!session || asked.has(session.agentId)) return;
    asked.add(session.agentId);
    const verifiable = job.operation === 'reset' || job.operation === 'change';
    if (verifiable) {
      const since = job.createdAt - CHANGE_TIME_SLACK_MS - Math.abs(session.clockOffsetMs);
      const answer = await session.query('changed-since', { username: target.username, anchor: target.anchor, since }, Math.max(500, job.deadlineAt - this.deps.clock.now()));
      if (!answer.ok) {
        asked.delete(session.agentId);
        return;
      }
      const changedAt = (answer.data as { passwordChangedAt?: number | null } | undefined)?.passwordChangedAt ?? null;
      if (changedAt !== null && changedAt >= since) {
        const now = this.deps.clock.now();
        if (await this.deps.jobs.finish(job.id, ['lost'], { state: 'succeeded', reason: null, raw: `applied before agent ${job.agentId ?? '?'} was lost (verified by ${session.agentId})` }, now)) {
          await this.deps.audit.record({ event: 'writeback.reconciled', outcome: 'success', userId: job.userId, username: job.username, detail: { job: job.id, verifiedBy: session.agentId, applied: true } });
        }
        return;
      }
      await this.deps.audit.record({ event: 'writeback.reconciled', outcome: 'info', userId: job.userId, username: job.username, detail: { job: job.id, verifiedBy: session.agentId, applied: false } });
    }
    const envelope = await seal(session.publicKey, session.envelopeVersion);
    if (await this.deps.jobs.redispatch(job.id, session.agentId, this.deps.nodeId, envelope, this.deps.clock.now())) {
      session.send({ type: 'job', jobId: job.id, envelope, deadline: job.deadlineAt, ...accountHint(session, target) });
    }
  }
}

/** The job's account in the clear for an agent that announced 'account-hint' (it looks it up while opening). */
function accountHint(session: AgentSession, target: WritebackTarget): { account?: { username: string; anchor: string | null } } {
  return session.supports('account-hint') ? { account: { username: target.username, anchor: target.anchor ?? null } } : {};
}

type Seal = (publicKey: string, version: EnvelopeVersion) => Promise<string>;

type ConnectedAgent = Awaited<ReturnType<AgentsRepository['connectedFor']>>[number];
type Route = { kind: 'here'; session: AgentSession } | { kind: 'queue'; agents: ConnectedAgent[] } | { kind: 'lacking' } | { kind: 'none' };

/** The version stored for an agent another node holds; a version this node does not know falls back to the legacy one. */
function storedVersion(stored: number | null): EnvelopeVersion {
  return negotiateEnvelopeVersion(stored === null ? undefined : [stored]) ?? LEGACY_ENVELOPE_VERSION;
}

const failures: ReadonlySet<string> = new Set(directoryFailures);

/** A finished job as the caller sees it: nothing on success, the precise error otherwise. */
function outcomeOf(job: JobRow): void {
  if (job.state === 'succeeded') return;
  const reason = job.reason ?? 'unconfirmed';
  if (reason === 'not-dispatched') throw new SsprError('writeback-no-agent', { details: { job: job.id } });
  if (reason === 'unconfirmed' || reason === 'deadline') throw new SsprError('writeback-unconfirmed', { details: { job: job.id } });
  if (failures.has(reason)) throw new DirectoryError(reason as DirectoryFailure, job.raw ?? reason);
  throw new SsprError('writeback-unavailable', { details: { job: job.id, reason } });
}
