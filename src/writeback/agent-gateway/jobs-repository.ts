import type { Kysely } from 'kysely';
import type { Database, WritebackJobsTable } from '../../store/schema.js';
import { PreparedQuery } from '../../store/prepared-query.js';

export type JobState = 'pending' | 'dispatched' | 'lost' | 'succeeded' | 'failed';
export const openStates: JobState[] = ['pending', 'dispatched', 'lost'];

export interface JobRow {
  id: string;
  userId: string;
  username: string;
  operation: string;
  directory: string;
  origin: string;
  envelopes: Record<string, string> | null;
  /**
   * Optional agent features the job needs (a reset with mustChange: 'must-change'): it goes only to an agent that
   * announced each on its current connection. Names as stored: one a newer node wrote may be unknown here.
   */
  features: readonly string[];
  state: JobState;
  agentId: string | null;
  nodeId: string | null;
  createdAt: number;
  deadlineAt: number;
  finishedAt: number | null;
  reason: string | null;
  raw: string | null;
}

/** The statements every job runs on its way (prepared-query.ts): the insert, and the end per shape of `finish`. */
const insertJob = new PreparedQuery((db, $) =>
  db.insertInto('writeback_jobs').values({
    id: $<string>(0), user_id: $<string>(1), username: $<string>(2), operation: $<string>(3), directory: $<string>(4), origin: $<string>(5),
    envelopes: $<string | null>(6), features: $<string | null>(7), state: $<string>(8), agent_id: $<string | null>(9), node_id: $<string | null>(10),
    created_at: $<number>(11), deadline_at: $<number>(12), dispatched_at: $<number | null>(13),
  }),
);
const finishJob = new Map<string, PreparedQuery<unknown>>();
/** The prepared `finish` for this many `from` states, with or without the agent condition. */
function finishJobFor(states: number, byAgent: boolean): PreparedQuery<unknown> {
  const key = `${states}:${byAgent}`;
  let prepared = finishJob.get(key);
  if (!prepared) {
    prepared = new PreparedQuery((db, $) => {
      let query = db
        .updateTable('writeback_jobs')
        .set({ state: $<string>(0), reason: $<string | null>(1), raw: $<string | null>(2), envelopes: null, finished_at: $<number>(3) })
        .where('id', '=', $<string>(4))
        .where('state', 'in', Array.from({ length: states }, (_, i) => $<string>(6 + i)));
      if (byAgent) query = query.where('agent_id', '=', $<string>(5));
      return query;
    });
    finishJob.set(key, prepared);
  }
  return prepared;
}

/**
 * Writeback jobs. Every state change is a compare-and-set on the current state (and agent), so two nodes or
 * a late agent result can never both decide a job: pending → dispatched → (lost →) succeeded | failed.
 * Sealed envelopes are erased in the same statement that ends a job.
 */
export class JobsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(job: Omit<JobRow, 'finishedAt' | 'reason' | 'raw'>): Promise<void> {
    await insertJob.execute(
      this.db,
      job.id,
      job.userId,
      job.username,
      job.operation,
      job.directory,
      job.origin,
      job.envelopes ? JSON.stringify(job.envelopes) : null,
      job.features.length > 0 ? JSON.stringify(job.features) : null,
      job.state,
      job.agentId,
      job.nodeId,
      job.createdAt,
      job.deadlineAt,
      job.state === 'dispatched' ? job.createdAt : null,
    );
  }

  async find(id: string): Promise<JobRow | null> {
    const row = await this.db.selectFrom('writeback_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toJob(row) : null;
  }

  /** Open jobs waiting for an agent of one of these directory kinds, oldest first. */
  async pendingFor(directories: string[], now: number, limit = 20): Promise<JobRow[]> {
    if (directories.length === 0) return [];
    const rows = await this.db
      .selectFrom('writeback_jobs')
      .selectAll()
      .where('state', '=', 'pending')
      .where('directory', 'in', directories)
      .where('deadline_at', '>', now)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map(toJob);
  }

  /** Open jobs last handed to this agent (to ask it what became of them after a reconnect). */
  async openForAgent(agentId: string): Promise<JobRow[]> {
    const rows = await this.db.selectFrom('writeback_jobs').selectAll().where('agent_id', '=', agentId).where('state', 'in', ['dispatched', 'lost']).execute();
    return rows.map(toJob);
  }

  /** pending → dispatched to `agentId` by `nodeId`; true for exactly one claimer. */
  async claim(id: string, agentId: string, nodeId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('writeback_jobs')
      .set({ state: 'dispatched', agent_id: agentId, node_id: nodeId, dispatched_at: now })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** lost → dispatched again (after the directory showed the change was not applied). */
  async redispatch(id: string, agentId: string, nodeId: string, envelope: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('writeback_jobs')
      .set({ state: 'dispatched', agent_id: agentId, node_id: nodeId, dispatched_at: now, envelopes: JSON.stringify({ [agentId]: envelope }) })
      .where('id', '=', id)
      .where('state', '=', 'lost')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** dispatched (to this agent) → lost: its connection ended before it answered. */
  async markLost(id: string, agentId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('writeback_jobs')
      .set({ state: 'lost' })
      .where('id', '=', id)
      .where('state', '=', 'dispatched')
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Ends a job still in one of `from` (and, when given, still held by `agentId`): the final state, reason and
   * raw text are set and the envelopes erased in one statement. True when this call decided the job.
   */
  async finish(
    id: string,
    from: JobState[],
    outcome: { state: 'succeeded' | 'failed'; reason?: string | null; raw?: string | null; agentId?: string },
    now: number,
  ): Promise<boolean> {
    const byAgent = Boolean(outcome.agentId);
    const result = await finishJobFor(from.length, byAgent).execute(
      this.db,
      outcome.state,
      outcome.reason ?? null,
      outcome.raw?.slice(0, 500) ?? null,
      now,
      id,
      byAgent ? outcome.agentId : null,
      ...from,
    );
    return Number(result.numAffectedRows ?? 0) === 1;
  }

  /** Deletes ended jobs older than `before` (the audit trail keeps their story); returns how many. */
  async purgeEnded(before: number): Promise<number> {
    const result = await this.db.deleteFrom('writeback_jobs').where('state', 'in', ['succeeded', 'failed']).where('finished_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Ends every open job a minute past its deadline (its waiter died with its node); returns how many. */
  async expireOverdue(now: number): Promise<number> {
    const result = await this.db
      .updateTable('writeback_jobs')
      .set({ state: 'failed', reason: 'deadline', envelopes: null, finished_at: now })
      .where('state', 'in', openStates)
      .where('deadline_at', '<', now - 60_000)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

function toJob(row: WritebackJobsTable): JobRow {
  return {
    id: row.id,
    userId: row.user_id,
    username: row.username,
    operation: row.operation,
    directory: row.directory,
    origin: row.origin,
    envelopes: row.envelopes ? (JSON.parse(row.envelopes) as Record<string, string>) : null,
    features: featuresOf(row.features),
    state: row.state as JobState,
    agentId: row.agent_id,
    nodeId: row.node_id,
    createdAt: Number(row.created_at),
    deadlineAt: Number(row.deadline_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    reason: row.reason,
    raw: row.raw,
  };
}

/** The stored feature list; anything but a JSON array of strings reads as one unknown feature (no agent takes it). */
function featuresOf(stored: string | null): readonly string[] {
  if (stored === null) return [];
  try {
    const parsed = JSON.parse(stored) as unknown;
    return Array.isArray(parsed) && parsed.every((f) => typeof f === 'string') ? parsed : [stored];
  } catch {
    return [stored];
  }
}
