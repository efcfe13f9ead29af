/**
 * Messages between the writeback agent and the server, one JSON object per frame, discriminated by `type`:
 *   agent → server: hello, heartbeat, result     server → agent: job, ack
 * parseAgentMessage is the single entry point for untrusted frames: ≤ 4 KB, strict objects (no unknown
 * fields), unknown `type` refused; failures are AgentProtocolError with a reason, never a thrown ZodError.
 */
import { z } from 'zod';
import type { DirectoryFailure } from '../../directory/onprem/onprem-directory.js';
import { MAX_ENVELOPE_BYTES } from './envelope-format.js';
import { jobIdSchema } from './sealed-payload.js';

export const MAX_MESSAGE_BYTES = 4096;
export const MAX_RAW_CHARS = 500;

/** Runtime list of DirectoryFailure; the two type checks below break the build if the union changes. */
export const directoryFailures = [
  'too-short', 'not-complex', 'in-history', 'too-young', 'policy', 'wrong-old-password', 'access-denied',
  'encryption-required', 'locked', 'disabled', 'expired', 'must-change', 'invalid-credentials',
  'user-not-found', 'multiple-matches', 'protected-account', 'unreachable', 'timeout',
] as const satisfies readonly DirectoryFailure[];
type Missing = Exclude<DirectoryFailure, (typeof directoryFailures)[number]>;
const _allFailuresListed: [Missing] extends [never] ? true : Missing = true;

const agentId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'agent id: 1–64 of [A-Za-z0-9._-]');
const epochMs = z.number().int().nonnegative();

export const helloSchema = z.strictObject({
  type: z.literal('hello'),
  agentId,
  version: z.string().regex(/^[0-9A-Za-z.+-]{1,64}$/),
  publicKeyFingerprint: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  clockMs: epochMs,
});

export const heartbeatSchema = z.strictObject({
  type: z.literal('heartbeat'),
  agentId,
  at: epochMs,
  directory: z.strictObject({
    reachable: z.boolean(),
    encrypted: z.boolean(),
    latencyMs: z.number().nonnegative().max(600_000),
    error: z.string().max(MAX_RAW_CHARS).optional(),
  }),
  clockMs: epochMs,
});

export const jobSchema = z.strictObject({
  type: z.literal('job'),
  jobId: jobIdSchema,
  /** Name of the directory connection the agent should write to. */
  directory: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  /** sealForAgent output, opened by the agent with openSealed. */
  envelope: z.string().min(1).max(MAX_ENVELOPE_BYTES),
  deadline: epochMs,
});

export const resultSchema = z
  .strictObject({
    type: z.literal('result'),
    jobId: jobIdSchema,
    outcome: z.enum(['success', 'failure']),
    reason: z.enum(directoryFailures).optional(),
    /** The directory's own text, for logs and audit only. */
    raw: z.string().max(MAX_RAW_CHARS).optional(),
  })
  .refine((r) => (r.outcome === 'failure') === (r.reason !== undefined), {
    message: 'a failure carries a reason, a success none',
    path: ['reason'],
  });

export const ackSchema = z.strictObject({ type: z.literal('ack'), jobId: jobIdSchema });

export const agentMessageSchema = z.discriminatedUnion('type', [
  helloSchema,
  heartbeatSchema,
  jobSchema,
  resultSchema,
  ackSchema,
]);

export type AgentMessage = z.infer<typeof agentMessageSchema>;
export type AgentMessageType = AgentMessage['type'];
export type HelloMessage = z.infer<typeof helloSchema>;
export type HeartbeatMessage = z.infer<typeof heartbeatSchema>;
export type JobMessage = z.infer<typeof jobSchema>;
export type ResultMessage = z.infer<typeof resultSchema>;
export type AckMessage = z.infer<typeof ackSchema>;

const messageTypes: ReadonlySet<string> = new Set<AgentMessageType>(['hello', 'heartbeat', 'job', 'result', 'ack']);

export type ProtocolRefusal = 'too-large' | 'not-json' | 'unknown-type' | 'invalid';

export class AgentProtocolError extends Error {
  constructor(
    readonly reason: ProtocolRefusal,
    /** Field paths at fault (never values), for logs. */
    readonly paths: readonly string[] = [],
  ) {
    super(`agent message refused: ${reason}${paths.length > 0 ? ` (${paths.join(', ')})` : ''}`);
    this.name = 'AgentProtocolError';
  }
}

/** Parses one untrusted frame. Size is measured in UTF-8 bytes before JSON parsing. */
export function parseAgentMessage(text: string): AgentMessage {
  if (Buffer.byteLength(text, 'utf8') > MAX_MESSAGE_BYTES) throw new AgentProtocolError('too-large');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new AgentProtocolError('not-json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AgentProtocolError('invalid');
  const type: unknown = (value as Record<string, unknown>).type;
  if (typeof type !== 'string' || !messageTypes.has(type)) throw new AgentProtocolError('unknown-type');
  const parsed = agentMessageSchema.safeParse(value);
  if (!parsed.success) {
    throw new AgentProtocolError('invalid', parsed.error.issues.map((i) => i.path.join('.') || '(message)'));
  }
  return parsed.data;
}

/**
 * Agent clock minus server clock, in ms (positive: the agent runs ahead), NTP-style: the agent read its clock
 * about half a round trip before the server received the message. The error is at most roundTripMs / 2.
 */
export function clockOffsetMs(serverNow: number, agentClockMs: number, roundTripMs: number): number {
  if (![serverNow, agentClockMs, roundTripMs].every(Number.isFinite) || roundTripMs < 0) {
    throw new RangeError('clockOffsetMs: finite times and a non-negative round trip required');
  }
  return Math.round(agentClockMs - (serverNow - roundTripMs / 2));
}
