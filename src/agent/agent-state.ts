import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { loadAgentPrivateKey } from '../writeback/agent-protocol/agent-keys.js';
import type { DirectoryKind } from '../directory/registry.js';

/** What an enrolled agent keeps in its data folder. The private keys never leave this folder. */
export interface AgentIdentity {
  agentId: string;
  directory: DirectoryKind;
  sealingKey: KeyObject;
  identityKeyPem: string;
}

const STATE = 'agent.json';
const SEALING_KEY = 'sealing-key.pem';
const IDENTITY_KEY = 'identity-key.pem';

export function loadIdentity(dataDir: string): AgentIdentity | null {
  const file = join(dataDir, STATE);
  if (!existsSync(file)) return null;
  const state = JSON.parse(readFileSync(file, 'utf8')) as { agentId: string; directory: DirectoryKind };
  return {
    agentId: state.agentId,
    directory: state.directory,
    sealingKey: loadAgentPrivateKey(readFileSync(join(dataDir, SEALING_KEY), 'utf8')),
    identityKeyPem: readFileSync(join(dataDir, IDENTITY_KEY), 'utf8'),
  };
}

/** Writes keys first (0600), the state file last, so a crash mid-way leaves the agent un-enrolled, not half. */
export function saveIdentity(dataDir: string, state: { agentId: string; directory: DirectoryKind }, sealingKeyPem: string, identityKeyPem: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  for (const [name, body] of [[SEALING_KEY, sealingKeyPem], [IDENTITY_KEY, identityKeyPem], [STATE, JSON.stringify(state, null, 2) + '\n']] as const) {
    const path = join(dataDir, name);
    writeFileSync(path, body, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
}
