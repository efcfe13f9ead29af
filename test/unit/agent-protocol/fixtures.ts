import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { generateAgentKeyPair, type AgentKeyPair } from '../../../src/writeback/agent-protocol/agent-keys.js';
import type { SealedPayload } from '../../../src/writeback/agent-protocol/sealed-payload.js';
import { SealError, type SealRefusal } from '../../../src/writeback/agent-protocol/seal-error.js';

/**
 * X25519 agent key pairs shared by every test file: `agent` (the current key), `previous` (the key it rolled
 * from, still held for in-flight jobs) and `other` (another agent's key, never held).
 */
let keys: Promise<{ agent: AgentKeyPair; previous: AgentKeyPair; other: AgentKeyPair }> | undefined;
export function testKeys() {
  keys ??= Promise.all([generateAgentKeyPair(), generateAgentKeyPair(), generateAgentKeyPair()]).then(
    ([agent, previous, other]) => ({ agent, previous, other }),
  );
  return keys;
}

export const NOW = 1_750_000_000_000;

export function resetPayload(overrides: Partial<SealedPayload> = {}): SealedPayload {
  return {
    jobId: 'job-7f1c2a9e-0b5d-4c61-9d2e-3a8b6f4e1c70',
    operation: 'reset',
    account: { username: 'anna.schmidt@corp.example.org', anchor: randomUUID() },
    newPassword: 'correct horse battery staple ✓',
    notAfter: NOW + 60_000,
    ...overrides,
  };
}

/** assert.throws / assert.rejects matcher: a SealError with exactly this reason and nothing more in its message. */
export const refused = (reason: SealRefusal) => (error: unknown) => {
  assert.ok(error instanceof SealError, String(error));
  assert.equal(error.reason, reason);
  assert.equal(error.message, `sealed password refused: ${reason}`);
  return true;
};

export type Fields = Record<string, unknown>;

/** A copy of the JSON envelope with `change` applied to its fields. */
export const edit = (envelope: string, change: (fields: Fields) => void): string => {
  const fields = JSON.parse(envelope) as Fields;
  change(fields);
  return JSON.stringify(fields);
};

/** Flips bits (mask) of one byte of a base64url field; a negative index counts from the end. */
export const flipBit = (field: string, byteIndex = 0, mask = 0x01) => (fields: Fields) => {
  const bytes = Buffer.from(String(fields[field]), 'base64url');
  const index = byteIndex < 0 ? bytes.length + byteIndex : byteIndex;
  bytes[index] = (bytes[index] ?? 0) ^ mask;
  fields[field] = bytes.toString('base64url');
};
