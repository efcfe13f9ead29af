import { randomUUID } from 'node:crypto';
import { generateAgentKeyPair, type AgentKeyPair } from '../../../src/writeback/agent-protocol/agent-keys.js';
import type { SealedPayload } from '../../../src/writeback/agent-protocol/sealed-payload.js';

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
