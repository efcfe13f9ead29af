import WebSocket from 'ws';
import type { Logger } from 'pino';
import { signWithIdentity } from '../writeback/agent-protocol/agent-identity.js';
import { AgentProtocolError, agentFeatures, helloSignedText, parseServerMessage, type AgentFeature, type ResultMessage, type ServerMessage } from '../writeback/agent-protocol/protocol.js';
import type { AgentReport } from '../writeback/agents-repository.js';
import { ENVELOPE_VERSIONS, type EnvelopeVersion } from '../writeback/agent-protocol/envelope-format.js';
import type { AgentIdentity } from './agent-state.js';
import type { AgentWorker } from './agent-worker.js';
import type { AgentSyncRelay } from './agent-sync-relay.js';
import { transportFor } from './server-transport.js';

export const AGENT_VERSION = '0.1.0';
const SOCKET_PATH = '/api/v1/agent/connect';
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/** Results remembered for answering `status` after a reconnect (at-most-once across reconnects). */
const REMEMBERED_RESULTS = 10_000;

export interface AgentClientOptions {
  servers: string[];
  caFile?: string;
  identity: AgentIdentity;
  worker: AgentWorker;
  /** Reads the directory for the service's sync (agent mode without a server-side directory). */
  syncRelay: AgentSyncRelay;
  log: Logger;
  /**
   * Sealed-envelope versions announced in the hello (default: every version this agent opens); the server seals
   * in the newest it knows too. An empty list announces none, and the server seals the legacy version.
   */
  envelopes?: readonly EnvelopeVersion[];
  /** Optional protocol features announced in the hello (default: every one this agent has). */
  features?: readonly AgentFeature[];
  /** Called after each welcome (tests and the CLI's "connected" line). */
  onConnected?: (server: string) => void;
}

/**
 * The agent's only connection: outbound WebSocket to the service (through HTTPS_PROXY when set), reconnected
 * with exponential backoff and jitter, rotating through the configured server URLs. Each job id is applied at
 * most once per agent process: a repeated job is answered from memory, and results that could not be delivered
 * are re-sent with the next hello until the server acknowledges them.
 */
export class AgentClient {
  private socket: WebSocket | null = null;
  private stopped = false;
  private attempt = 0;
  private serverIndex = 0;
  private serverOffsetMs = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private readonly results = new Map<string, ResultMessage>();
  private readonly running = new Set<string>();
  private readonly unacknowledged = new Map<string, ResultMessage>();
  private readonly connectErrors: AgentReport['connectErrors'] = [];
  private lastProbe: AgentReport['directory'] | null = null;

  constructor(private readonly options: AgentClientOptions) {}

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.retry) clearTimeout(this.retry);
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close(1001, 'agent stopping');
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 2000).unref();
    });
  }

  /** Server time as the agent best knows it (its clock corrected by the offset seen at welcome). */
  private serverNow(): number {
    return Date.now() - this.serverOffsetMs;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const server = this.options.servers[this.serverIndex % this.options.servers.length] as string;
    const url = new URL(SOCKET_PATH, server);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (!this.lastProbe) this.lastProbe = await this.options.worker.probe();
    let transport;
    try {
      transport = transportFor(server, this.options.caFile);
    } catch (error) {
      return this.failed(server, `cannot read the CA file: ${(error as Error).message}`);
    }
    const socket = new WebSocket(url, { agent: transport.agent, ca: transport.ca, handshakeTimeout: 10_000, maxPayload: 16_384 });
    this.socket = socket;
    let welcomed = false;
    let failure: string | null = null;
    socket.on('unexpected-response', (_request, response) => {
      failure = `the service answered HTTP ${response.statusCode} instead of opening the agent connection`;
      socket.terminate();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      failure ??= describeConnectError(error);
    });
    socket.on('message', (data) => {
      let message: ServerMessage;
      try {
        message = parseServerMessage(data.toString());
      } catch (error) {
        this.options.log.warn({ reason: error instanceof AgentProtocolError ? error.message : 'unreadable' }, 'ignored a malformed message from the service');
        return;
      }
      if (message.type === 'welcome') {
        welcomed = true;
        this.onWelcome(server, message.heartbeatSeconds, message.serverTime);
        return;
      }
      void this.handle(socket, message);
    });
    socket.on('close', (code, reason) => {
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = null;
      if (this.stopped) return;
      const why = failure ?? (welcomed ? `connection closed (${code}${reason.length ? `: ${reason.toString()}` : ''})` : `the service closed the connection during the handshake (${code}${reason.length ? `: ${reason.toString()}` : ''})`);
      if (welcomed) {
        this.options.log.warn({ server, code }, 'lost the connection to the service; reconnecting');
        this.attempt = 0;
      }
      this.failed(server, why, welcomed);
    });
  }

  private failed(server: string, message: string, wasConnected = false): void {
    if (!wasConnected) {
      this.connectErrors.push({ at: Date.now(), message: `${server}: ${message}`.slice(0, 500) });
      if (this.connectErrors.length > 5) this.connectErrors.shift();
      this.options.log.warn({ server, error: message }, 'cannot connect to the service');
      this.serverIndex += 1;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.attempt);
    this.attempt += 1;
    const delay = wasConnected ? MIN_BACKOFF_MS * Math.random() : backoff * (0.8 + Math.random() * 0.4);
    this.retry = setTimeout(() => void this.connect(), delay);
  }

  private onWelcome(server: string, heartbeatSeconds: number, serverTime: number): void {
    this.serverOffsetMs = Date.now() - serverTime;
    this.attempt = 0;
    this.connectErrors.length = 0;
    this.options.log.info({ server, agent: this.options.identity.agentId }, 'connected to the service');
    this.options.onConnected?.(server);
    this.heartbeat = setInterval(() => void this.sendHeartbeat(), heartbeatSeconds * 1000);
    this.heartbeat.unref();
  }

  private async sendHeartbeat(): Promise<void> {
    this.lastProbe = await this.options.worker.probe();
    this.send({ type: 'heartbeat', clockMs: Date.now(), report: this.report() });
  }

  private report(): AgentReport {
    return { directory: this.lastProbe ?? { reachable: false, encrypted: false, serviceBindOk: false, latencyMs: 0, policyHints: null }, connectErrors: [...this.connectErrors] };
  }

  private send(message: Record<string, unknown>, socket = this.socket): boolean {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  private async handle(socket: WebSocket, message: ServerMessage): Promise<void> {
    switch (message.type) {
      case 'challenge': {
        const clockMs = Date.now();
        const { agentId } = this.options.identity;
        const signature = signWithIdentity(this.options.identity.identityKeyPem, helloSignedText(message.nonce, agentId, clockMs));
        const envelopes = this.options.envelopes ?? ENVELOPE_VERSIONS;
        this.send({
          type: 'hello', agentId, version: AGENT_VERSION, directory: this.options.identity.directory, clockMs, signature,
          report: this.report(), pendingResults: [...this.unacknowledged.values()].slice(0, 20),
          ...(envelopes.length > 0 ? { envelopes } : {}),
          features: [...(this.options.features ?? agentFeatures)],
        }, socket);
        return;
      }
      case 'job': {
        const known = this.results.get(message.jobId);
        if (known) return void this.deliver(known);
        if (this.running.has(message.jobId)) return;
        this.running.add(message.jobId);
        const result = await this.options.worker.execute(message, this.serverNow());
        this.running.delete(message.jobId);
        this.remember(result);
        this.deliver(result);
        return;
      }
      case 'status':
        for (const jobId of message.jobIds) {
          if (this.running.has(jobId)) continue;
          this.deliver(this.results.get(jobId) ?? { type: 'result', jobId, outcome: 'unknown' });
        }
        return;
      case 'query':
        this.send(await this.options.worker.answer(message), socket);
        return;
      case 'ack':
        this.unacknowledged.delete(message.jobId);
        return;
      case 'sync':
        await this.options.syncRelay.run(message, (reply) => this.send(reply, socket));
        return;
      case 'sync-ack':
        this.options.syncRelay.acknowledge(message.syncId, message.seq);
        return;
      case 'welcome':
        return;
    }
  }

  /** Sends a result now, or keeps it for the next hello; either way until the server acknowledges it. */
  private deliver(result: ResultMessage): void {
    if (result.outcome !== 'unknown') this.unacknowledged.set(result.jobId, result);
    this.send(result);
  }

  private remember(result: ResultMessage): void {
    this.results.set(result.jobId, result);
    if (this.results.size > REMEMBERED_RESULTS) this.results.delete(this.results.keys().next().value as string);
  }
}

function describeConnectError(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return `TLS: the service's certificate is not trusted (${code}); set caFile to the CA that signed it`;
  if (code === 'ECONNREFUSED') return 'connection refused (is the service running and the port open?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve (DNS)';
  if (code === 'ETIMEDOUT' || /timed out|timeout/i.test(error.message)) return 'no answer in time (firewall or proxy?)';
  return `${code ? `${code}: ` : ''}${error.message}`;
}
