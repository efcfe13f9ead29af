import { generateAgentKeyPair } from '../writeback/agent-protocol/agent-keys.js';
import { generateIdentityKeyPair } from '../writeback/agent-protocol/agent-identity.js';
import type { AgentConfig } from './agent-config.js';
import { loadIdentity, saveIdentity, type AgentIdentity } from './agent-state.js';
import { postJson, transportFor } from './server-transport.js';

/**
 * Enrols this agent once: generates its sealing (X25519) and identity (Ed25519) key pairs here, sends only
 * the public halves with the one-time token, and stores the agent id and private keys in the data folder.
 * Refuses to enrol twice into the same folder.
 */
export async function enrolAgent(config: AgentConfig, token: string): Promise<AgentIdentity> {
  if (loadIdentity(config.dataDir)) throw new Error(`${config.dataDir} already holds an enrolled agent; use another dataDir to enrol a second one`);
  const directory = config.directory.kind;
  const sealing = await generateAgentKeyPair();
  const identity = generateIdentityKeyPair();
  const request = { token: token.trim(), name: config.name, directory, sealingKey: sealing.publicKeyPem, identityKey: identity.publicKeyPem };
  let answer: { status: number; body: unknown } | null = null;
  const unreachable: string[] = [];
  // The first configured server that answers decides; unreachable ones are skipped (and named if all fail).
  for (const server of config.server) {
    try {
      answer = await postJson(server, '/api/v1/agent/enrol', request, transportFor(server, config.caFile));
      break;
    } catch (error) {
      unreachable.push((error as Error).message);
    }
  }
  if (!answer) throw new Error(unreachable.join('; '));
  const body = answer.body as { agentId?: string; error?: { message?: string } };
  if (answer.status !== 201 || typeof body.agentId !== 'string') {
    throw new Error(`enrolment refused (HTTP ${answer.status}): ${body.error?.message ?? 'unexpected answer'}`);
  }
  saveIdentity(config.dataDir, { agentId: body.agentId, directory }, sealing.privateKeyPem, identity.privateKeyPem);
  const saved = loadIdentity(config.dataDir);
  if (!saved) throw new Error('the enrolment could not be saved');
  return saved;
}
