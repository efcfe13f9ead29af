import { Command } from 'commander';
import { withStore, guarded } from './runtime.js';
import { printRows } from './print.js';
import { SsprError } from '../errors/sspr-error.js';
import { Audit } from '../audit/audit.js';
import { AuditRepository } from '../store/audit-repository.js';
import { systemClock } from '../store/clock.js';
import { createLogger } from '../app/logger.js';
import { AgentsRepository } from '../writeback/agents-repository.js';
import { AgentEnrolment } from '../writeback/agent-gateway/agent-enrolment.js';
import { AgentConfigError, loadAgentConfig, type AgentConfig } from '../agent/agent-config.js';
import { enrolAgent } from '../agent/agent-enrol.js';
import { loadIdentity } from '../agent/agent-state.js';
import { AgentWorker } from '../agent/agent-worker.js';
import { AgentClient } from '../agent/agent-client.js';
import { AgentSyncRelay } from '../agent/agent-sync-relay.js';
import { directoryKinds, isDirectoryKind, onPremDirectoryFor } from '../directory/registry.js';

const DURATION = /^(\d{1,4})([mhd])$/;

function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `--expires takes a number with m, h or d (e.g. 30m, 24h, 7d), not "${text}"` });
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

function agentConfigOf(options: { config?: string }): AgentConfig {
  try {
    return loadAgentConfig(options.config);
  } catch (error) {
    if (error instanceof AgentConfigError) throw new Error(error.message, { cause: error });
    throw error;
  }
}

/**
 * `sspr agent …`: the writeback agent (run, enrol) and its administration on the server side
 * (token create, list, revoke).
 */
export function agentCommand(): Command {
  const agent = new Command('agent').description('the writeback agent that runs next to the directory, and its administration');

  agent
    .command('run', { isDefault: true })
    .description('run the agent: connect outbound to the service and carry out password writes (enrols first with --token)')
    .option('--config <file>', 'agent configuration file (JSON); SSPR_AGENT_* variables override it')
    .option('--token <token>', 'one-time enrolment token (only needed the first time); or SSPR_AGENT_TOKEN')
    .action(guarded(async (options: { config?: string; token?: string }) => {
      const config = agentConfigOf(options);
      const log = createLogger(config.logLevel);
      let identity = loadIdentity(config.dataDir);
      const token = options.token ?? process.env.SSPR_AGENT_TOKEN;
      if (!identity) {
        if (!token) throw new Error(`not enrolled yet: create a token on the server with "sspr agent token create --directory ${String(config.directory.kind)}" and pass it with --token`);
        identity = await enrolAgent(config, token);
        log.info({ agent: identity.agentId }, 'enrolled');
      }
      if (identity.directory !== config.directory.kind) throw new Error(`this agent was enrolled for the ${identity.directory} directory but is configured for ${String(config.directory.kind)}`);
      const directory = onPremDirectoryFor(config.directory);
      const client = new AgentClient({
        servers: config.server,
        caFile: config.caFile,
        identity,
        worker: new AgentWorker(directory, identity.sealingKey),
        syncRelay: new AgentSyncRelay(config.directory, log),
        log,
        envelopes: config.envelopes,
        features: config.features,
      });
      client.start();
      process.stdout.write(`sspr agent ${identity.agentId} running for the ${identity.directory} directory; connecting to ${config.server.join(', ')}\n`);
      const stop = async () => {
        await client.stop();
        await directory.close();
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop());
      process.once('SIGINT', () => void stop());
    }));

  agent
    .command('enrol')
    .description('enrol this agent once with a token from "sspr agent token create", then exit')
    .option('--config <file>', 'agent configuration file (JSON)')
    .requiredOption('--token <token>', 'one-time enrolment token')
    .action(guarded(async (options: { config?: string; token: string }) => {
      const identity = await enrolAgent(agentConfigOf(options), options.token);
      process.stdout.write(`enrolled as ${identity.agentId}\n`);
    }));

  const token = agent.command('token').description('enrolment tokens (server side)');
  token
    .command('create')
    .description('create a one-time enrolment token for an agent (shown once)')
    .requiredOption('--directory <kind>', 'the directory kind the agent will serve: ldap or ad')
    .option('--expires <duration>', 'lifetime: 30m, 24h, 7d …', '24h')
    .option('--json', 'print JSON')
    .action(guarded(async (options: { directory: string; expires: string; json?: boolean }, command: Command) => {
      const directory = options.directory;
      if (!isDirectoryKind(directory)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `--directory is ${directoryKinds.join(' or ')}, not "${directory}"` });
      const ttl = parseDuration(options.expires);
      if (ttl > 7 * 86_400_000) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: '--expires is at most 7d' });
      const created = await withStore(command, async ({ store, config }) => {
        const audit = new Audit(new AuditRepository(store.db), systemClock, createLogger('silent'), config.audit.sinks.map((sink) => sink.id));
        return new AgentEnrolment(new AgentsRepository(store.db), audit, systemClock).createToken(directory, ttl, `cli:${process.env.USER ?? 'admin'}`);
      });
      if (options.json) process.stdout.write(JSON.stringify({ token: created.token, expiresAt: new Date(created.expiresAt).toISOString() }) + '\n');
      else process.stdout.write(`${created.token}\n(one-time; valid until ${new Date(created.expiresAt).toISOString()}; use it with: sspr agent run --token …)\n`);
    }));

  agent
    .command('list')
    .description('enrolled agents with their connection and heartbeat state')
    .option('--json', 'print JSON')
    .action(guarded(async (options: { json?: boolean }, command: Command) => {
      const rows = await withStore(command, async ({ store }) => new AgentsRepository(store.db).list());
      const now = Date.now();
      printRows(
        rows.map((a) => ({
          id: a.id,
          name: a.name,
          directory: a.directory,
          state: a.revokedAt !== null ? 'revoked' : a.connectedNode ? 'connected' : 'offline',
          lastHeartbeat: a.lastSeenAt === null ? null : `${Math.round((now - a.lastSeenAt) / 1000)} s ago`,
          version: a.version,
          envelope: a.envelopeVersion,
          features: a.features === null ? null : a.features.join(','),
          clockOffsetMs: a.clockOffsetMs,
          directoryReachable: a.report?.directory.reachable ?? null,
        })),
        options.json === true,
      );
    }));

  agent
    .command('revoke <agentId>')
    .description('revoke an agent: it can no longer connect, and no job is sealed to it')
    .action(guarded(async (agentId: string, _options: unknown, command: Command) => {
      const revoked = await withStore(command, ({ store, config }) => {
        const audit = new Audit(new AuditRepository(store.db), systemClock, createLogger('silent'), config.audit.sinks.map((sink) => sink.id));
        return new AgentEnrolment(new AgentsRepository(store.db), audit, systemClock).revoke(agentId, `cli:${process.env.USER ?? 'admin'}`);
      });
      if (!revoked) throw new SsprError('not-found');
      process.stdout.write(`revoked ${agentId}; restart or wait: a connected revoked agent is refused at its next connection\n`);
    }));
  return agent;
}
