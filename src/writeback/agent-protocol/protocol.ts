/**
 * Messages between the writeback agent and the server, one JSON object per WebSocket text frame,
 * discriminated by `type`:
 *   server → agent: challenge, welcome, job, query, status, ack, sync, sync-ack
 *   agent → server: hello, heartbeat, result, answer, sync-page, sync-end
 * parseAgentMessage / parseServerMessage are the single entry points for untrusted frames: size-capped before
 * parsing, strict objects (no unknown fields), unknown `type` refused; failures are AgentProtocolError with a
 * reason and field paths, never values and never a thrown ZodError.
 */
import { z } from 'zod';
import { directoryKinds } from '../../directory/registry.js';
import type { DirectoryFailure } from '../../directory/onprem/onprem-directory.js';
import { MAX_ENVELOPE_BYTES } from './envelope-format.js';
import { jobIdSchema } from './sealed-payload.js';

/** Ordinary frames; `answer` frames carry an account inspection and may be larger. */
export const MAX_MESSAGE_BYTES = 4096;
export const MAX_ANSWER_BYTES = 65_536;
/** A relayed sync slice: about 1 MB normally (src/agent/agent-sync-relay.ts); one large group may need up to 16 MB. */
export const MAX_SYNC_PAGE_BYTES = 16 * 1_048_576;
export const MAX_RAW_CHARS = 500;

/** Runtime list of DirectoryFailure; the type check below breaks the build if the union changes. */
export const directoryFailures = [
  'too-short', 'not-complex', 'in-history', 'too-young', 'policy', 'wrong-old-password', 'access-denied',
  'encryption-required', 'locked', 'disabled', 'expired', 'must-change', 'invalid-credentials',
  'user-not-found', 'multiple-matches', 'protected-account', 'unreachable', 'timeout',
] as const satisfies readonly DirectoryFailure[];
type Missing = Exclude<DirectoryFailure, (typeof directoryFailures)[number]>;
const _allFailuresListed: [Missing] extends [never] ? true : Missing = true;

export const agentIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'agent id: 1–64 of [A-Za-z0-9._-]');
const epochMs = z.number().int().nonnegative();
const raw = z.string().max(MAX_RAW_CHARS);
const base64url = (bytes: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`));

export const reportSchema = z.strictObject({
  directory: z.strictObject({
    reachable: z.boolean(),
    encrypted: z.boolean(),
    serviceBindOk: z.boolean(),
    latencyMs: z.number().nonnegative().max(600_000),
    policyHints: z.boolean().nullable(),
    error: z.strictObject({ reason: z.string().max(40), raw }).optional(),
  }),
  connectErrors: z.array(z.strictObject({ at: epochMs, message: raw })).max(5),
});

export const resultSchema = z
  .strictObject({
    type: z.literal('result'),
    jobId: jobIdSchema,
    /** unknown: the agent has no record of the job (it restarted, or never received it). */
    outcome: z.enum(['success', 'failure', 'unknown']),
    reason: z.enum(directoryFailures).optional(),
    /** The directory's own text, for logs and audit only. */
    raw: raw.optional(),
  })
  .refine((r) => (r.outcome === 'failure') === (r.reason !== undefined), {
    message: 'a failure carries a reason, a success or unknown none',
    path: ['reason'],
  });

export const helloSchema = z.strictObject({
  type: z.literal('hello'),
  agentId: agentIdSchema,
  version: z.string().regex(/^[0-9A-Za-z.+-]{1,64}$/),
  directory: z.enum(directoryKinds),
  clockMs: epochMs,
  /** Ed25519 over helloSignedText(nonce, agentId, clockMs), base64url. */
  signature: base64url(64),
  report: reportSchema,
  /** Results the agent could not deliver over its previous connection. */
  pendingResults: z.array(resultSchema).max(20),
  /**
   * Sealed-envelope versions the agent opens (envelope-format.ts); the server seals its jobs in the newest one
   * it knows too. Absent or empty: an agent built before the negotiation, which opens the legacy version only.
   */
  envelopes: z.array(z.number().int().min(1).max(1000)).max(16).optional(),
  /**
   * Optional protocol features the agent understands (agentFeatures); the server only uses those announced, so a
   * newer server keeps working with an older agent. Unknown names are ignored.
   */
  features: z.array(z.string().regex(/^[a-z0-9-]{1,40}$/)).max(32).optional(),
});

/**
 * Optional protocol features. 'password-facts': the agent relays password expiry facts (passwordChangedAt,
 * passwordExpiresAt, managerDn) in synced accounts when a `sync` message carries `facts: true`.
 * 'must-change': the agent opens a sealed reset carrying `mustChange` (sealed-payload.ts) and leaves "must change
 * at next sign-in" set; the server seals that field only for agents that announced it.
 * 'account-hint': the agent takes a job's `account` (the name and anchor also sealed in its envelope) to start
 * looking the account up while it opens the envelope; only the sealed account is ever written (agent-worker.ts).
 */
export const agentFeatures = ['password-facts', 'must-change', 'account-hint'] as const;
export type AgentFeature = (typeof agentFeatures)[number];

export const heartbeatSchema = z.strictObject({
  type: z.literal('heartbeat'),
  clockMs: epochMs,
  report: reportSchema,
});

export const answerSchema = z
  .strictObject({
    type: z.literal('answer'),
    queryId: jobIdSchema,
    ok: z.boolean(),
    /** The query's result (AccountInspection / ServiceProbe / { passwordChangedAt }); checked by the asker. */
    data: z.unknown().optional(),
    reason: z.enum(directoryFailures).optional(),
    raw: raw.optional(),
  })
  .refine((a) => a.ok === (a.reason === undefined), { message: 'a failed answer carries a reason', path: ['reason'] });

const dn = z.string().min(1).max(2048);
const syncedAccountSchema = z.strictObject({
  anchor: z.string().min(1).max(128),
  dn,
  username: z.string().min(1).max(256),
  displayName: z.string().max(512),
  firstName: z.string().max(256),
  lastName: z.string().max(256),
  email: z.string().max(512).nullable(),
  mobile: z.string().max(64).nullable(),
  enabled: z.boolean(),
  memberOfDns: z.array(dn).max(10_000),
  /** Password facts (AgentFeature 'password-facts'): sent only when the server's `sync` asked for them. */
  passwordChangedAt: epochMs.nullable().optional(),
  passwordExpiresAt: epochMs.nullable().optional(),
  managerDn: dn.nullable().optional(),
});
const syncedGroupSchema = z.strictObject({ anchor: z.string().min(1).max(128), dn, name: z.string().min(1).max(256), memberDns: z.array(dn).max(100_000) });
const syncId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** One slice of the agent's directory read; the agent sends the next only after the server's sync-ack. */
export const syncPageSchema = z.discriminatedUnion('kind', [
  z.strictObject({ type: z.literal('sync-page'), syncId, seq: z.number().int().nonnegative(), kind: z.literal('accounts'), items: z.array(syncedAccountSchema).max(1000) }),
  z.strictObject({ type: z.literal('sync-page'), syncId, seq: z.number().int().nonnegative(), kind: z.literal('groups'), items: z.array(syncedGroupSchema).max(1000) }),
]);
export const syncEndSchema = z.strictObject({
  type: z.literal('sync-end'),
  syncId,
  /** The marker to pass as `since` next time (success), or the directory's reason (failure). */
  marker: z.string().max(256).optional(),
  reason: z.enum(directoryFailures).optional(),
  raw: raw.optional(),
});

export const challengeSchema = z.strictObject({ type: z.literal('challenge'), nonce: base64url(32), serverTime: epochMs });
export const welcomeSchema = z.strictObject({ type: z.literal('welcome'), heartbeatSeconds: z.number().int().min(1).max(3600), serverTime: epochMs });
export const jobSchema = z.strictObject({
  type: z.literal('job'),
  jobId: jobIdSchema,
  /** sealForAgent output, opened by the agent with openSealed. */
  envelope: z.string().min(1).max(MAX_ENVELOPE_BYTES),
  deadline: epochMs,
  /** The sealed account, in the clear, for agents that announced 'account-hint': a hint, never what is written. */
  account: z.strictObject({ username: z.string().min(1).max(256), anchor: z.string().min(1).max(128).nullable() }).optional(),
});
export const querySchema = z.strictObject({
  type: z.literal('query'),
  queryId: jobIdSchema,
  kind: z.enum(['inspect', 'probe', 'policy', 'changed-since']),
  username: z.string().min(1).max(256).optional(),
  anchor: z.string().min(1).max(128).nullable().optional(),
  /** changed-since: epoch ms (server clock) the password change is looked for after. */
  since: epochMs.optional(),
  deadline: epochMs,
});
export const statusSchema = z.strictObject({ type: z.literal('status'), jobIds: z.array(jobIdSchema).max(100) });
export const ackSchema = z.strictObject({ type: z.literal('ack'), jobId: jobIdSchema });
/** `facts` is sent only to agents that announced 'password-facts' (older agents refuse unknown keys). */
export const syncSchema = z.strictObject({ type: z.literal('sync'), syncId, since: z.string().max(256).nullable(), facts: z.literal(true).optional() });
export const syncAckSchema = z.strictObject({ type: z.literal('sync-ack'), syncId, seq: z.number().int().nonnegative() });

const agentMessageSchema = z.union([helloSchema, heartbeatSchema, resultSchema, answerSchema, syncPageSchema, syncEndSchema]);
const serverMessageSchema = z.discriminatedUnion('type', [challengeSchema, welcomeSchema, jobSchema, querySchema, statusSchema, ackSchema, syncSchema, syncAckSchema]);

export type AgentMessage = z.infer<typeof agentMessageSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type AgentReportMessage = z.infer<typeof reportSchema>;
export type HelloMessage = z.infer<typeof helloSchema>;
export type HeartbeatMessage = z.infer<typeof heartbeatSchema>;
export type ResultMessage = z.infer<typeof resultSchema>;
export type AnswerMessage = z.infer<typeof answerSchema>;
export type JobMessage = z.infer<typeof jobSchema>;
export type QueryMessage = z.infer<typeof querySchema>;
export type SyncPageMessage = z.infer<typeof syncPageSchema>;
export type SyncEndMessage = z.infer<typeof syncEndSchema>;
export type SyncMessage = z.infer<typeof syncSchema>;

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

/** Parses one untrusted frame from an agent. `answer` frames may be up to 64 KB, all others 4 KB. */
export function parseAgentMessage(text: string): AgentMessage {
  return parseFrame(text, agentMessageSchema, { answer: MAX_ANSWER_BYTES, hello: MAX_MESSAGE_BYTES * 4, 'sync-page': MAX_SYNC_PAGE_BYTES }) as AgentMessage;
}

/** Parses one frame from the server (the agent's side). */
export function parseServerMessage(text: string): ServerMessage {
  return parseFrame(text, serverMessageSchema, {}) as ServerMessage;
}

function parseFrame(text: string, schema: z.ZodType, largerLimits: Record<string, number>): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > Math.max(MAX_MESSAGE_BYTES, ...Object.values(largerLimits))) throw new AgentProtocolError('too-large');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new AgentProtocolError('not-json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AgentProtocolError('invalid');
  const type: unknown = (value as Record<string, unknown>).type;
  if (typeof type !== 'string' || !knownTypes(schema).has(type)) throw new AgentProtocolError('unknown-type');
  if (bytes > (largerLimits[type] ?? MAX_MESSAGE_BYTES)) throw new AgentProtocolError('too-large');
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AgentProtocolError('invalid', parsed.error.issues.map((i) => i.path.join('.') || '(message)'));
  return parsed.data;
}

const typeSets = new Map<z.ZodType, ReadonlySet<string>>([
  [agentMessageSchema, new Set(['hello', 'heartbeat', 'result', 'answer', 'sync-page', 'sync-end'])],
  [serverMessageSchema, new Set(['challenge', 'welcome', 'job', 'query', 'status', 'ack', 'sync', 'sync-ack'])],
]);
function knownTypes(schema: z.ZodType): ReadonlySet<string> {
  return typeSets.get(schema) ?? new Set();
}

/** The exact text an agent signs to prove it holds its enrolled key for this connection. */
export function helloSignedText(nonce: string, agentId: string, clockMs: number): Buffer {
  return Buffer.from(`sspr-agent-hello\n${nonce}\n${agentId}\n${clockMs}`, 'utf8');
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
