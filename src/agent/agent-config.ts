import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { directorySectionSchema } from '../directory/registry.js';
import { ENVELOPE_VERSIONS } from '../writeback/agent-protocol/envelope-format.js';
import { agentFeatures } from '../writeback/agent-protocol/protocol.js';

const serverUrl = z.url({ protocol: /^https?$/ }).refine((u) => u.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/.test(u), 'https, or http only to localhost');

/**
 * The agent's configuration: a JSON file (`sspr agent run --config FILE`) and/or environment variables
 * SSPR_AGENT_SERVER (comma-separated), SSPR_AGENT_NAME, SSPR_AGENT_DATA_DIR, SSPR_AGENT_CA_FILE,
 * SSPR_AGENT_DIRECTORY (JSON), SSPR_AGENT_DIRECTORY_BIND_PASSWORD_FILE (its `bindPasswordFile`),
 * SSPR_AGENT_ENVELOPES (comma-separated versions, empty for none), SSPR_AGENT_FEATURES (comma-separated, empty
 * for none) and SSPR_AGENT_LOG_LEVEL, which win over the file. HTTPS_PROXY / NO_PROXY are honoured.
 */
export const agentConfigSchema = z.strictObject({
  /** The service's public URL(s); with several, the agent moves to the next when one cannot be reached. */
  server: z.union([serverUrl, z.array(serverUrl).min(1).max(10)]).transform((v) => (Array.isArray(v) ? v : [v])),
  /** Shown to administrators (`sspr agent list`, doctor). */
  name: z.string().min(1).max(64).default('sspr-agent'),
  /** Where the agent keeps its id and private keys (created 0700, key files 0600). */
  dataDir: z.string().min(1).default('./agent-data'),
  /** PEM file of the CA that signed the service's TLS certificate, when it is not publicly trusted. */
  caFile: z.string().min(1).optional(),
  /** The directory next to the agent, as in the server's `directory` section: {"kind": "ldap"|"ad", …}. */
  directory: directorySectionSchema,
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Sealed-envelope versions to announce (default: all this agent opens, newest first). Pinning `[2]`, or `[]`
   * (announce none, as agents before version negotiation), keeps the legacy envelope, e.g. while rolling back.
   */
  envelopes: z.array(z.union(ENVELOPE_VERSIONS.map((v) => z.literal(v)))).max(ENVELOPE_VERSIONS.length).optional(),
  /**
   * Optional protocol features to announce (default: all this agent has). Leaving one out makes the server treat
   * this agent as one without it, e.g. `["password-facts"]` while its service account may not write pwdLastSet /
   * pwdReset: the helpdesk then offers no "must change at next sign-in" through it.
   */
  features: z.array(z.enum(agentFeatures)).max(agentFeatures.length).optional(),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;

export class AgentConfigError extends Error {}

/** The variable that sets each required top-level key, named when the key is missing. */
const agentVariables: Record<string, string> = { server: 'SSPR_AGENT_SERVER', directory: 'SSPR_AGENT_DIRECTORY' };

/** Reads file + environment and validates; problems become one AgentConfigError listing dotted paths. */
export function loadAgentConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  let raw: Record<string, unknown> = {};
  if (file) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new AgentConfigError(`cannot read the agent config file ${file}: ${error instanceof SyntaxError ? 'not valid JSON' : (error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new AgentConfigError(`${file} must hold a JSON object`);
  }
  if (env.SSPR_AGENT_SERVER) raw.server = env.SSPR_AGENT_SERVER.split(',').map((s) => s.trim()).filter(Boolean);
  if (env.SSPR_AGENT_NAME) raw.name = env.SSPR_AGENT_NAME;
  if (env.SSPR_AGENT_DATA_DIR) raw.dataDir = env.SSPR_AGENT_DATA_DIR;
  if (env.SSPR_AGENT_CA_FILE) raw.caFile = env.SSPR_AGENT_CA_FILE;
  if (env.SSPR_AGENT_LOG_LEVEL) raw.logLevel = env.SSPR_AGENT_LOG_LEVEL;
  if (env.SSPR_AGENT_FEATURES !== undefined) raw.features = env.SSPR_AGENT_FEATURES.split(',').map((s) => s.trim()).filter(Boolean);
  if (env.SSPR_AGENT_ENVELOPES !== undefined) raw.envelopes = env.SSPR_AGENT_ENVELOPES.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (env.SSPR_AGENT_DIRECTORY) {
    try {
      raw.directory = JSON.parse(env.SSPR_AGENT_DIRECTORY) as unknown;
    } catch {
      throw new AgentConfigError('SSPR_AGENT_DIRECTORY must be JSON, e.g. {"kind":"ldap","url":"ldaps://…",…}');
    }
  }
  if (env.SSPR_AGENT_DIRECTORY_BIND_PASSWORD_FILE) {
    const directory = raw.directory !== null && typeof raw.directory === 'object' && !Array.isArray(raw.directory) ? raw.directory : {};
    raw.directory = { ...directory, bindPasswordFile: env.SSPR_AGENT_DIRECTORY_BIND_PASSWORD_FILE };
  }
  const result = agentConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const key = i.path.join('.');
      const variable = agentVariables[key];
      if (variable && raw[key] === undefined) return `  ${key}: missing — set ${variable} (or "${key}" in the agent config file)`;
      return `  ${key || '(config)'}: ${i.message}`;
    });
    throw new AgentConfigError(`the agent configuration is not valid:\n${lines.join('\n')}`);
  }
  return result.data;
}
