import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { AgentReportMessage } from './agent-protocol/protocol.js';

/** What an agent last reported about itself and its directory (the protocol's report; stored as JSON). */
export type AgentReport = AgentReportMessage;

/** An agent counts as present until it has missed this many heartbeats. */
export const MISSED_HEARTBEATS = 3;

/** True while the last heartbeat (epoch ms) is at most MISSED_HEARTBEATS intervals old. */
export function heartbeatIsFresh(lastSeenAt: number | null, heartbeatSeconds: number, now: number): boolean {
  return lastSeenAt !== null && now - lastSeenAt <= MISSED_HEARTBEATS * heartbeatSeconds * 1000;
}

/** An enrolled agent as the doctor and `sspr agent list` see it. */
export interface AgentStatus {
  id: string;
  name: string;
  directory: string;
  fingerprint: string;
  enrolledAt: number;
  revokedAt: number | null;
  version: string | null;
  connectedNode: string | null;
  connectedAt: number | null;
  lastSeenAt: number | null;
  clockOffsetMs: number | null;
  heartbeatSeconds: number | null;
  report: AgentReport | null;
  /** Sealed-envelope version negotiated at its last connection (null: not connected since it was recorded). */
  envelopeVersion: number | null;
  /** Optional protocol features announced at its last connection (null: not connected since it was recorded). */
  features: string[] | null;
}

export interface EnrolledAgent {
  id: string;
  name: string;
  directory: string;
  publicKey: string;
  fingerprint: string;
  identityKey: string;
}

/** Agents, their enrolment tokens and their live state. */
export class AgentsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<AgentStatus[]> {
    const rows = await this.db.selectFrom('agents').selectAll().orderBy('enrolled_at').execute();
    return rows.map(toStatus);
  }

  async findById(id: string): Promise<(AgentStatus & { publicKey: string; identityKey: string }) | null> {
    const row = await this.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { ...toStatus(row), publicKey: row.public_key, identityKey: row.identity_key } : null;
  }

  /**
   * Enrolled, not revoked agents of one directory kind that some node holds connected and whose heartbeat is
   * fresh, with their public keys (to seal a queued job to).
   */
  async connectedFor(directory: string, heartbeatSeconds: number, now: number): Promise<Array<EnrolledAgent & { envelopeVersion: number | null; features: string[] }>> {
    const rows = await this.db
      .selectFrom('agents')
      .select(['id', 'name', 'directory', 'public_key', 'fingerprint', 'identity_key', 'last_seen_at', 'heartbeat_seconds', 'envelope_version', 'features'])
      .where('directory', '=', directory)
      .where('revoked_at', 'is', null)
      .where('connected_node', 'is not', null)
      .execute();
    return rows
      .filter((r) => heartbeatIsFresh(r.last_seen_at === null ? null : Number(r.last_seen_at), r.heartbeat_seconds ?? heartbeatSeconds, now))
      .map((r) => ({ id: r.id, name: r.name, directory: r.directory, publicKey: r.public_key, fingerprint: r.fingerprint, identityKey: r.identity_key, envelopeVersion: r.envelope_version, features: featuresOf(r.features) ?? [] }));
  }

  async insert(agent: EnrolledAgent, now: number): Promise<void> {
    await this.db
      .insertInto('agents')
      .values({
        id: agent.id,
        name: agent.name,
        directory: agent.directory,
        public_key: agent.publicKey,
        fingerprint: agent.fingerprint,
        identity_key: agent.identityKey,
        enrolled_at: now,
      })
      .execute();
  }

  async revoke(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('agents')
      .set({ revoked_at: now, connected_node: null })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * `envelopeVersion`: the sealed-envelope version negotiated for this connection (null: the legacy one);
   * `features`: the optional protocol features its hello announced (none for an agent that announced none).
   */
  async markConnected(id: string, node: string, now: number, version: string, clockOffsetMs: number, report: AgentReport, envelopeVersion: number | null = null, features: readonly string[] = []): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ connected_node: node, connected_at: now, last_seen_at: now, version, clock_offset_ms: clockOffsetMs, report: JSON.stringify(report), envelope_version: envelopeVersion, features: JSON.stringify(features) })
      .where('id', '=', id)
      .execute();
  }

  async recordHeartbeat(id: string, now: number, heartbeatSeconds: number, clockOffsetMs: number, report: AgentReport): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ last_seen_at: now, heartbeat_seconds: heartbeatSeconds, clock_offset_ms: clockOffsetMs, report: JSON.stringify(report) })
      .where('id', '=', id)
      .execute();
  }

  /** Clears the connection mark, but only if this node still holds it (the agent may have moved on). */
  async markDisconnected(id: string, node: string): Promise<void> {
    await this.db.updateTable('agents').set({ connected_node: null }).where('id', '=', id).where('connected_node', '=', node).execute();
  }

  async insertToken(tokenHash: string, directory: string, now: number, expiresAt: number): Promise<void> {
    await this.db.insertInto('agent_enrolment_tokens').values({ token_hash: tokenHash, directory, created_at: now, expires_at: expiresAt }).execute();
  }

  async findToken(tokenHash: string) {
    return (await this.db.selectFrom('agent_enrolment_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()) ?? null;
  }

  /** Compare-and-set: true for exactly one caller per token. */
  async useToken(tokenHash: string, agentId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('agent_enrolment_tokens')
      .set({ used_at: now, agent_id: agentId })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

type AgentRow = Database['agents'];

function toStatus(row: AgentRow): AgentStatus {
  return {
    id: row.id,
    name: row.name,
    directory: row.directory,
    fingerprint: row.fingerprint,
    enrolledAt: Number(row.enrolled_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    version: row.version,
    connectedNode: row.connected_node,
    connectedAt: row.connected_at === null ? null : Number(row.connected_at),
    lastSeenAt: row.last_seen_at === null ? null : Number(row.last_seen_at),
    clockOffsetMs: row.clock_offset_ms,
    heartbeatSeconds: row.heartbeat_seconds,
    report: row.report ? (JSON.parse(row.report) as AgentReport) : null,
    envelopeVersion: row.envelope_version,
    features: featuresOf(row.features),
  };
}

/** The stored feature list; anything but a JSON array of strings reads as "not recorded". */
function featuresOf(stored: string | null): string[] | null {
  if (stored === null) return null;
  try {
    const parsed = JSON.parse(stored) as unknown;
    return Array.isArray(parsed) && parsed.every((f) => typeof f === 'string') ? parsed : null;
  } catch {
    return null;
  }
}
