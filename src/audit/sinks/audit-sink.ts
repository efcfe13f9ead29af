import type { AuditRecord } from '../../store/audit-repository.js';

/**
 * One place audit events leave the box. `deliver` resolves once the event has been handed over as far as the
 * sink can tell (a 2xx answer, bytes written to a stream socket, a datagram sent) and throws otherwise; the
 * delivery queue retries a throw. It must give up when `signal` aborts (the attempt's deadline).
 */
export interface AuditSink {
  readonly id: string;
  readonly kind: string;
  deliver(event: AuditRecord, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** One kind of sink: its section (a member of the discriminated union on `kind`) makes a sink. */
export interface AuditSinkModule<Section> {
  create(section: Section, context: SinkContext): AuditSink;
  /** Keys of the section whose values are never printed. */
  secretKeys: readonly string[];
}

export interface SinkContext {
  /** This machine's name as the service reports it (the syslog HOSTNAME). */
  hostname: string;
  log: import('pino').Logger;
}

/**
 * The JSON every sink carries: the stored event with its id (receivers de-duplicate on it: delivery is at least
 * once) and the time in ISO 8601. Only the non-secret fields the trail holds.
 */
export function auditPayload(event: AuditRecord): Record<string, unknown> {
  return {
    id: event.id,
    at: new Date(event.at).toISOString(),
    event: event.event,
    outcome: event.outcome,
    userId: event.userId ?? null,
    username: event.username ?? null,
    flow: event.flow ?? null,
    ip: event.ip ?? null,
    userAgent: event.userAgent ?? null,
    detail: event.detail ?? null,
  };
}

/** A sink's id: what the queue, the replay command and the metrics call it. */
export const sinkIdPattern = /^[a-z0-9][a-z0-9-]{0,39}$/;
