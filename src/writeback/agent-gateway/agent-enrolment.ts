import { randomBytes } from 'node:crypto';
import { tokenDigest } from '../../crypto/tokens.js';
import { SsprError } from '../../errors/sspr-error.js';
import type { Clock } from '../../store/clock.js';
import type { Audit } from '../../audit/audit.js';
import type { AuditReason } from '../../audit/audit-reasons.js';
import type { DirectoryKind } from '../../directory/registry.js';
import type { AgentsRepository } from '../agents-repository.js';
import { assertUsablePublicKey, publicKeyFingerprint } from '../agent-protocol/agent-keys.js';
import { assertIdentityPublicKey } from '../agent-protocol/agent-identity.js';
import { checkEnrolmentToken, createEnrolmentToken } from '../agent-protocol/enrolment-token.js';

export interface EnrolmentRequest {
  token: string;
  name: string;
  directory: DirectoryKind;
  /** X25519 SPKI PEM: jobs are sealed to it. */
  sealingKey: string;
  /** Ed25519 SPKI PEM: the agent signs each connection's challenge with it. */
  identityKey: string;
}

/**
 * One-time enrolment: an administrator creates a token for a directory (`sspr agent token create`); the agent
 * presents it once with its two public keys and receives its agent id. Every refusal looks the same to the
 * caller (agent-enrolment-refused) so tokens cannot be probed; the precise reason goes to the audit trail.
 */
export class AgentEnrolment {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly audit: Audit,
    private readonly clock: Clock,
  ) {}

  /** A one-time enrolment token (returned once, stored as its digest); `by` names the operator for the audit trail. */
  async createToken(directory: DirectoryKind, ttlMs: number, by?: string): Promise<{ token: string; expiresAt: number }> {
    const now = this.clock.now();
    const token = createEnrolmentToken(now, ttlMs);
    await this.agents.insertToken(token.digest, directory, now, token.expiresAt);
    await this.audit.record({ event: 'agent.token-created', outcome: 'info', detail: { directory, expiresAt: token.expiresAt, ...(by ? { by } : {}) } });
    return { token: token.token, expiresAt: token.expiresAt };
  }

  /** Revokes an agent (it is refused at its next connection, and no job is sealed to it); false: no such agent. */
  async revoke(agentId: string, by: string): Promise<boolean> {
    const revoked = await this.agents.revoke(agentId, this.clock.now());
    if (revoked) await this.audit.record({ event: 'agent.revoked', outcome: 'success', detail: { agent: agentId, by } });
    return revoked;
  }

  async enrol(request: EnrolmentRequest, ip: string | null): Promise<{ agentId: string }> {
    const now = this.clock.now();
    const digest = tokenDigest(request.token);
    const stored = await this.agents.findToken(digest);
    const check = checkEnrolmentToken(
      request.token,
      stored ? { digest: stored.token_hash, expiresAt: Number(stored.expires_at), usedAt: stored.used_at === null ? null : Number(stored.used_at) } : null,
      now,
    );
    const refuse = async (reason: AuditReason, directory?: string) => {
      await this.audit.record({ event: 'agent.enrolment', outcome: 'failure', ip, detail: { reason, name: request.name.slice(0, 64), ...(directory ? { directory } : {}) } });
      return new SsprError('agent-enrolment-refused');
    };
    if (check !== 'ok' || !stored) throw await refuse(check === 'ok' ? 'unknown' : check);
    if (stored.directory !== request.directory) throw await refuse('wrong-directory', stored.directory);
    let fingerprint: string;
    try {
      assertUsablePublicKey(request.sealingKey);
      assertIdentityPublicKey(request.identityKey);
      fingerprint = publicKeyFingerprint(request.sealingKey);
    } catch (error) {
      throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: error instanceof Error ? error.message : 'unusable key' });
    }
    const agentId = `agent-${randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`;
    if (!(await this.agents.useToken(digest, agentId, now))) throw await refuse('used');
    await this.agents.insert({ id: agentId, name: request.name, directory: request.directory, publicKey: request.sealingKey, fingerprint, identityKey: request.identityKey }, now);
    await this.audit.record({ event: 'agent.enrolment', outcome: 'success', ip, detail: { agent: agentId, name: request.name.slice(0, 64), directory: request.directory } });
    return { agentId };
  }
}
