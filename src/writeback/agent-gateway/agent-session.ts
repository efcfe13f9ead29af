import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import {
  AgentProtocolError,
  agentFeatures,
  clockOffsetMs,
  helloSignedText,
  parseAgentMessage,
  type AgentFeature,
  type AgentMessage,
  type AnswerMessage,
  type HelloMessage,
  type ResultMessage,
  type SyncEndMessage,
  type SyncPageMessage,
} from '../agent-protocol/protocol.js';
import { DirectoryError } from '../../directory/onprem/onprem-directory.js';
import type { AccountCallback, GroupCallback } from '../../sync/directory-reader.js';
import { verifyIdentitySignature } from '../agent-protocol/agent-identity.js';
import type { AgentsRepository } from '../agents-repository.js';
import type { Clock } from '../../store/clock.js';
import { LEGACY_ENVELOPE_VERSION, negotiateEnvelopeVersion, type EnvelopeVersion } from '../agent-protocol/envelope-format.js';

/** How long an agent has to answer the challenge after the socket opened. */
const HANDSHAKE_MS = 10_000;

export interface SessionEvents {
  ready(session: AgentSession, hello: HelloMessage): void;
  result(session: AgentSession, result: ResultMessage): void;
  closed(session: AgentSession): void;
}

/**
 * One agent's WebSocket on this node. Until the agent proves it holds its enrolled identity key (Ed25519
 * signature over this connection's random challenge) nothing but `hello` is accepted and nothing is sent to it.
 * Protocol violations close the socket with code 1008 and a reason; they never reach the caller as exceptions.
 */
export class AgentSession {
  agentId = '';
  directory = '';
  publicKey = '';
  /** The envelope version this connection's jobs are sealed in (negotiated from the hello). */
  envelopeVersion: EnvelopeVersion = LEGACY_ENVELOPE_VERSION;
  ready = false;
  lastSeenAt: number;
  clockOffsetMs = 0;
  /** Optional protocol features the agent announced in its hello. */
  private features: ReadonlySet<string> = new Set();
  private readonly nonce = randomBytes(32).toString('base64url');
  private readonly openedAt: number;
  private readonly queries = new Map<string, { resolve: (answer: AnswerMessage) => void; timer: NodeJS.Timeout }>();
  private readonly handshakeTimer: NodeJS.Timeout;
  private relayedSync: { syncId: string; page: (message: SyncPageMessage) => Promise<void>; end: (outcome: SyncEndMessage | Error | null) => void } | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: { agents: AgentsRepository; clock: Clock; log: Logger; nodeId: string; heartbeatSeconds: number },
    private readonly events: SessionEvents,
  ) {
    this.openedAt = deps.clock.now();
    this.lastSeenAt = this.openedAt;
    this.handshakeTimer = setTimeout(() => this.refuse('no hello within 10 s'), HANDSHAKE_MS);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return this.refuse('binary frames are not part of the protocol');
      void this.receive(data.toString()).catch((error: unknown) => this.deps.log.error({ err: error, agent: this.agentId }, 'agent message handling failed'));
    });
    socket.on('close', () => {
      clearTimeout(this.handshakeTimer);
      for (const [id, query] of this.queries) {
        clearTimeout(query.timer);
        query.resolve({ type: 'answer', queryId: id, ok: false, reason: 'unreachable', raw: 'the agent disconnected' });
      }
      this.queries.clear();
      this.relayedSync?.end(null);
      if (this.ready) this.events.closed(this);
    });
    socket.on('error', () => undefined);
    this.send({ type: 'challenge', nonce: this.nonce, serverTime: this.openedAt });
  }

  send(message: Record<string, unknown>): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Asks the agent a read-only question; resolves with its answer, or a failed answer at the deadline. */
  query(kind: 'inspect' | 'probe' | 'policy' | 'changed-since', params: { username?: string; anchor?: string | null; since?: number }, timeoutMs: number): Promise<AnswerMessage> {
    const queryId = `q-${randomBytes(12).toString('base64url')}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.queries.delete(queryId);
        resolve({ type: 'answer', queryId, ok: false, reason: 'timeout', raw: `the agent did not answer within ${timeoutMs} ms` });
      }, timeoutMs);
      this.queries.set(queryId, { resolve, timer });
      if (!this.send({ type: 'query', queryId, kind, ...params, deadline: this.deps.clock.now() + timeoutMs })) {
        clearTimeout(timer);
        this.queries.delete(queryId);
        resolve({ type: 'answer', queryId, ok: false, reason: 'unreachable', raw: 'the agent connection is closed' });
      }
    });
  }

  /**
   * Has the agent read its directory (users, then groups, changed since `since`) and streams the pages into the
   * callbacks; the agent sends the next page only after the previous callback settled (sync-ack). One relayed
   * sync per agent at a time. Rejects with DirectoryError when the agent's read fails or the agent disconnects.
   */
  relaySync(since: string | null, onAccounts: AccountCallback, onGroups: GroupCallback): Promise<{ marker: string }> {
    if (this.relayedSync) return Promise.reject(new Error('a sync through this agent is already running'));
    const syncId = randomBytes(12).toString('base64url');
    return new Promise((resolve, reject) => {
      this.relayedSync = {
        syncId,
        page: async (message) => {
          if (message.kind === 'accounts') await onAccounts(message.items);
          else await onGroups(message.items);
          this.send({ type: 'sync-ack', syncId, seq: message.seq });
        },
        end: (message) => {
          this.relayedSync = null;
          if (!message) return reject(new DirectoryError('unreachable', 'the agent disconnected during the sync'));
          if (message instanceof Error) return reject(message);
          if (message.reason || message.marker === undefined) return reject(new DirectoryError(message.reason ?? 'unreachable', message.raw ?? 'the agent could not read the directory'));
          resolve({ marker: message.marker });
        },
      };
      if (!this.send({ type: 'sync', syncId, since, ...(this.features.has('password-facts') ? { facts: true as const } : {}) })) this.relayedSync.end(null);
    });
  }

  /** Whether the agent announced this optional protocol feature in its hello (only then may a message use it). */
  supports(feature: AgentFeature): boolean {
    return this.features.has(feature);
  }

  /** Whether it announced every one of these (stored names; one this server does not know counts as not announced). */
  supportsAll(features: readonly string[]): boolean {
    return features.every((name) => this.features.has(name));
  }

  /** Closes the socket (stale heartbeat, replaced by a newer connection, shutdown). */
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }

  private refuse(reason: string): void {
    this.deps.log.warn({ agent: this.agentId || undefined, reason }, 'agent connection refused');
    this.close(1008, reason.slice(0, 120));
  }

  private async receive(text: string): Promise<void> {
    let message: AgentMessage;
    try {
      message = parseAgentMessage(text);
    } catch (error) {
      return this.refuse(error instanceof AgentProtocolError ? error.message : 'unreadable message');
    }
    const now = this.deps.clock.now();
    if (!this.ready) {
      if (message.type !== 'hello') return this.refuse('the first message must be hello');
      return this.handshake(message, now);
    }
    this.lastSeenAt = now;
    switch (message.type) {
      case 'hello':
        return this.refuse('hello was already received');
      case 'heartbeat':
        this.clockOffsetMs = clockOffsetMs(now, message.clockMs, 0);
        await this.deps.agents.recordHeartbeat(this.agentId, now, this.deps.heartbeatSeconds, this.clockOffsetMs, message.report);
        return;
      case 'result':
        return this.events.result(this, message);
      case 'sync-page':
        if (this.relayedSync?.syncId !== message.syncId) return;
        try {
          await this.relayedSync.page(message);
        } catch (error) {
          // The store refused the page: the relay ends with that error; the agent's read is left unacknowledged.
          this.relayedSync?.end(error instanceof Error ? error : new Error(String(error)));
        }
        return;
      case 'sync-end':
        if (this.relayedSync?.syncId === message.syncId) this.relayedSync.end(message);
        return;
      case 'answer': {
        const query = this.queries.get(message.queryId);
        if (!query) return;
        clearTimeout(query.timer);
        this.queries.delete(message.queryId);
        query.resolve(message);
      }
    }
  }

  private async handshake(hello: HelloMessage, now: number): Promise<void> {
    clearTimeout(this.handshakeTimer);
    const agent = await this.deps.agents.findById(hello.agentId);
    if (!agent || agent.revokedAt !== null) return this.refuse('unknown or revoked agent');
    if (agent.directory !== hello.directory) return this.refuse(`enrolled for the ${agent.directory} directory, not ${hello.directory}`);
    if (!verifyIdentitySignature(agent.identityKey, helloSignedText(this.nonce, hello.agentId, hello.clockMs), hello.signature)) {
      return this.refuse('the hello signature does not match the enrolled identity key');
    }
    const envelopeVersion = negotiateEnvelopeVersion(hello.envelopes);
    if (envelopeVersion === null) return this.refuse('the agent opens no sealed-envelope version this server seals');
    this.envelopeVersion = envelopeVersion;
    this.features = new Set((hello.features ?? []).filter((name) => (agentFeatures as readonly string[]).includes(name)));
    this.agentId = agent.id;
    this.directory = agent.directory;
    this.publicKey = agent.publicKey;
    this.clockOffsetMs = clockOffsetMs(now, hello.clockMs, now - this.openedAt);
    await this.deps.agents.markConnected(agent.id, this.deps.nodeId, now, hello.version, this.clockOffsetMs, hello.report, envelopeVersion, [...this.features]);
    this.ready = true;
    this.lastSeenAt = now;
    this.send({ type: 'welcome', heartbeatSeconds: this.deps.heartbeatSeconds, serverTime: now });
    this.events.ready(this, hello);
  }
}
