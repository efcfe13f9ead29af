/**
 * Sealing a password for the writeback agent, in the envelope version the agent negotiated
 * (envelope-format.ts): version 3 is RFC 9180 HPKE (hpke-envelope.ts), version 2 the earlier construction of
 * our own (envelope-v2.ts) for agents that announce no versions. Both use X25519 with the agent's enrolled key
 * and AES-256-GCM over the account and passwords, and bind version, kid, job id, operation and deadline as
 * associated data; only the agent holding the private key named by kid opens an envelope.
 * Opening authenticates first and only then judges job and deadline, so every reason describes authentic data;
 * agreement/decapsulation and tag failures are one reason ('tampered') and the error never says which field or
 * byte failed.
 * Cost per job (Node 20.20, 2-core VM, version 2, p50 of 5000 runs, 256-character password): seal ≈ 130 µs,
 * open ≈ 75 µs with KeyObjects from loadAgentPrivateKey; both versions' seal + open CPU is in docs/agent.md.
 * Version 3 takes most of that off the request: the HPKE sender context (ephemeral key, Encap, key schedule —
 * everything but the AEAD, RFC 9180 §5.1.1) for a recipient is set up after each seal, outside the caller's turn
 * (setImmediate), and the next seal to that key only encrypts. Each context seals one envelope and is zeroed then;
 * one left unused for READY_CONTEXT_MAX_AGE_MS is zeroed and set up afresh.
 */
import { createPrivateKey, KeyObject } from 'node:crypto';
import { assertUsablePublicKey, fingerprintDigest, rawX25519PublicKey } from './agent-keys.js';
import {
  associatedData,
  decodeBase64url,
  ENVELOPE_VERSIONS,
  envelopeSchema,
  EPK_BYTES,
  MAX_ENVELOPE_BYTES,
  type Envelope,
  type EnvelopeV3,
  type EnvelopeVersion,
} from './envelope-format.js';
import { openV2, sealV2 } from './envelope-v2.js';
import {
  envelopeInfo,
  envelopeSuite,
  hpkeOpen,
  hpkeRecipientKey,
  hpkeSealWith,
  hpkeSetupSender,
  type HpkePublicKey,
  type HpkeRecipientKey,
  type HpkeSenderContext,
} from './hpke-envelope.js';
import { SealError } from './seal-error.js';
import { sealedPayloadSchema, toSecretPart, type SealedPayload } from './sealed-payload.js';
import { decodeSecret, encodeSecret } from './secret-codec.js';

export { SealError, type SealRefusal } from './seal-error.js';

/** Longest an envelope may live: the reset session's 15 minutes. */
export const MAX_SEAL_LIFETIME_MS = 15 * 60_000;

interface Recipient {
  publicKey: KeyObject;
  digest: Buffer;
  hpkeKey: HpkePublicKey;
  /** A version-3 sender context set up ahead for the next seal to this key, used once. */
  ready: { context: HpkeSenderContext; at: number } | null;
  refilling: boolean;
  /** Dropped from the cache: nothing is set up for it any more. */
  dropped: boolean;
}

/** Longest a sender context set up ahead waits for its envelope. */
const READY_CONTEXT_MAX_AGE_MS = 5 * 60_000;

/**
 * Parsed agent public keys by PEM (a server seals to a handful of agents): saves ~90 µs a seal. Each holds the
 * sender context set up for its next seal (secret: zeroed when used, expired or dropped).
 */
const recipients = new Map<string, Recipient>();
const MAX_CACHED_RECIPIENTS = 64;

function recipientKey(pem: string): Recipient {
  let recipient = recipients.get(pem);
  if (!recipient) {
    const publicKey = assertUsablePublicKey(pem);
    recipient = { publicKey, digest: fingerprintDigest(publicKey), hpkeKey: { key: publicKey, raw: rawX25519PublicKey(publicKey) }, ready: null, refilling: false, dropped: false };
    if (recipients.size >= MAX_CACHED_RECIPIENTS) {
      for (const dropped of recipients.values()) discardReady(dropped);
      recipients.clear();
    }
    recipients.set(pem, recipient);
  }
  return recipient;
}

/**
 * Seals `payload` to the agent key `publicKeyPem` in envelope `version` (default: the newest). Rejects
 * (TypeError/RangeError/Error, never echoing a password) when the payload is invalid, notAfter is not within
 * (now, now + 15 min], the key is unusable, or the envelope would exceed MAX_ENVELOPE_BYTES. Resolves to the
 * compact JSON envelope.
 */
export async function sealForAgent(
  publicKeyPem: string,
  payload: SealedPayload,
  now: number,
  version: EnvelopeVersion = ENVELOPE_VERSIONS[0],
): Promise<string> {
  const checked = sealedPayloadSchema.safeParse(payload);
  if (!checked.success) {
    const paths = checked.error.issues.map((issue) => issue.path.join('.') || '(payload)').join(', ');
    throw new TypeError(`sealForAgent: invalid payload at ${paths}`);
  }
  const { jobId, operation, notAfter } = checked.data;
  if (!(notAfter > now && notAfter - now <= MAX_SEAL_LIFETIME_MS)) {
    throw new RangeError('sealForAgent: notAfter must lie within the next 15 minutes');
  }
  const recipient = recipientKey(publicKeyPem);
  const head = { kid: recipient.digest.toString('base64url'), job: jobId, op: operation, exp: notAfter };
  const plaintext = encodeSecret(toSecretPart(checked.data));
  let envelope: Envelope;
  try {
    envelope = version === 2 ? sealV2(recipient.publicKey, recipient.digest, { v: 2, ...head }, plaintext) : sealV3(recipient, { v: 3, ...head }, plaintext);
  } finally {
    plaintext.fill(0);
  }
  const text = JSON.stringify(envelope);
  if (Buffer.byteLength(text) > MAX_ENVELOPE_BYTES) {
    throw new RangeError(`sealForAgent: envelope exceeds ${MAX_ENVELOPE_BYTES} bytes (passwords too long)`);
  }
  return text;
}

function sealV3(recipient: Recipient, head: Omit<EnvelopeV3, 'enc' | 'ct'>, plaintext: Buffer): EnvelopeV3 {
  const context = takeReady(recipient) ?? setUpSender(recipient);
  const sealed = hpkeSealWith(envelopeSuite, context, associatedData(head), plaintext);
  refillLater(recipient);
  return { ...head, enc: sealed.enc.toString('base64url'), ct: sealed.ct.toString('base64url') };
}

function setUpSender(recipient: Recipient): HpkeSenderContext {
  try {
    return hpkeSetupSender(envelopeSuite, recipient.hpkeKey, envelopeInfo(recipient.digest));
  } catch {
    throw new Error('agent key refused: HPKE encapsulation to this X25519 public key failed (low-order point?)');
  }
}

/** The context set up ahead for this key, taken (no other seal can use it), when one is there and young enough. */
function takeReady(recipient: Recipient): HpkeSenderContext | null {
  const ready = recipient.ready;
  recipient.ready = null;
  if (!ready) return null;
  if (Date.now() - ready.at < READY_CONTEXT_MAX_AGE_MS && Date.now() >= ready.at) return ready.context;
  zero(ready.context);
  return null;
}

/** Sets up the next context for this key once the current turn of the event loop is over (off the caller's path). */
function refillLater(recipient: Recipient): void {
  if (recipient.refilling || recipient.ready) return;
  recipient.refilling = true;
  setImmediate(() => {
    recipient.refilling = false;
    if (recipient.ready || recipient.dropped) return;
    try {
      recipient.ready = { context: hpkeSetupSender(envelopeSuite, recipient.hpkeKey, envelopeInfo(recipient.digest)), at: Date.now() };
    } catch {
      // The next seal sets up its own context and reports the refusal.
    }
  }).unref();
}

function discardReady(recipient: Recipient): void {
  recipient.dropped = true;
  if (recipient.ready) zero(recipient.ready.context);
  recipient.ready = null;
}

function zero(context: HpkeSenderContext): void {
  context.key.fill(0);
  context.nonce.fill(0);
}

/**
 * The agent's X25519 private key(s): during a key roll it holds the new and the previous one. PEM strings must
 * be unencrypted PKCS#8 and are parsed on every call; pass KeyObjects from loadAgentPrivateKey (required for
 * passphrase-protected keys) so a long-running agent parses once and converts each key once.
 */
export type AgentPrivateKeys = string | KeyObject | ReadonlyArray<string | KeyObject>;

/**
 * Opens an envelope sealed by sealForAgent, of any version in ENVELOPE_VERSIONS. Rejects with SealError:
 * 'malformed' (not an envelope), 'wrong-key' (kid names none of `privateKeys`), 'tampered' (agreement,
 * decapsulation or tag failed), then, for authentic envelopes only, 'wrong-job' (job ≠ expectedJobId) or
 * 'expired' (now > notAfter). A held key that is not an X25519 private key is a configuration error: TypeError.
 */
export async function openSealed(
  privateKeys: AgentPrivateKeys,
  envelopeText: string,
  context: { expectedJobId: string; now: number },
): Promise<SealedPayload> {
  const envelope = parseEnvelope(envelopeText);
  const held = keyForKid(privateKeys, envelope.kid);
  const plaintext = envelope.v === 2 ? openV2(held.privateKey, held.digest, envelope) : openV3(held, envelope);
  const secret = decodeSecret(plaintext);
  plaintext.fill(0);
  if (!secret) throw new SealError('malformed');
  if (envelope.job !== context.expectedJobId) throw new SealError('wrong-job');
  if (context.now > envelope.exp) throw new SealError('expired');
  const payload = sealedPayloadSchema.safeParse({
    jobId: envelope.job,
    operation: envelope.op,
    account: { username: secret.username, anchor: secret.anchor },
    ...(secret.newPassword === undefined ? {} : { newPassword: secret.newPassword }),
    ...(secret.oldPassword === undefined ? {} : { oldPassword: secret.oldPassword }),
    ...(secret.mustChange === true ? { mustChange: true } : {}),
    notAfter: envelope.exp,
  });
  if (!payload.success) throw new SealError('malformed');
  return payload.data;
}

function openV3(held: HeldKey, envelope: EnvelopeV3): Buffer {
  const enc = decodeBase64url(envelope.enc);
  const ct = decodeBase64url(envelope.ct);
  if (enc?.length !== EPK_BYTES || !ct) throw new SealError('malformed');
  try {
    return hpkeOpen(envelopeSuite, hpkeKeyOf(held.privateKey), enc, envelopeInfo(held.digest), associatedData(envelope), ct);
  } catch {
    throw new SealError('tampered');
  }
}

function parseEnvelope(text: string): Envelope {
  if (typeof text !== 'string' || Buffer.byteLength(text) > MAX_ENVELOPE_BYTES) throw new SealError('malformed');
  const parsed = envelopeSchema.safeParse(parseJson(text));
  if (!parsed.success) throw new SealError('malformed');
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface HeldKey {
  privateKey: KeyObject;
  /** SHA-256 of the public half's SPKI: compared with kid (base64url) and bound into the key derivation. */
  digest: Buffer;
}

/** Fingerprints and HPKE forms of held key objects, computed once per object (KeyObjects are immutable). */
const heldKeyDigests = new WeakMap<KeyObject, Buffer>();
const heldHpkeKeys = new WeakMap<KeyObject, HpkeRecipientKey>();

function hpkeKeyOf(privateKey: KeyObject): HpkeRecipientKey {
  let key = heldHpkeKeys.get(privateKey);
  if (!key) {
    key = hpkeRecipientKey(privateKey);
    heldHpkeKeys.set(privateKey, key);
  }
  return key;
}

function keyForKid(keys: AgentPrivateKeys, kid: string): HeldKey {
  const list = typeof keys === 'string' || keys instanceof KeyObject ? [keys] : keys;
  for (const entry of list) {
    const privateKey = typeof entry === 'string' ? createPrivateKey(entry) : entry;
    if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'x25519') {
      throw new TypeError('openSealed: the agent keys must be X25519 private keys');
    }
    let digest = heldKeyDigests.get(privateKey);
    if (!digest) {
      digest = fingerprintDigest(privateKey);
      heldKeyDigests.set(privateKey, digest);
    }
    if (digest.toString('base64url') === kid) return { privateKey, digest };
  }
  throw new SealError('wrong-key');
}
