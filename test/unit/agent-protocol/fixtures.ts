import { randomUUID } from 'node:crypto';
import { generateAgentKeyPair, type AgentKeyPair } from '../../../src/writeback/agent-protocol/agent-keys.js';
import type { SealedPayload } from '../../../src/writeback/agent-protocol/sealed-payload.js';

/** Key pairs are slow to make; every test file shares one of each size. */
let keys: Promise<{ rsa2048: AgentKeyPair; rsa3072: AgentKeyPair; other2048: AgentKeyPair }> | undefined;
export function testKeys() {
  keys ??= Promise.all([
    generateAgentKeyPair({ modulusLength: 2048 }),
    generateAgentKeyPair(),
    generateAgentKeyPair({ modulusLength: 2048 }),
  ]).then(([rsa2048, rsa3072, other2048]) => ({ rsa2048, rsa3072, other2048 }));
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
