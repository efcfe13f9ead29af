import type { Services } from './services.js';
import { syncDirectory, syncFrom, type DirectorySyncOptions, type DirectorySyncSummary } from '../sync/directory-sync.js';
import { agentSyncSource } from '../writeback/agent-gateway/agent-sync-reader.js';
import { SsprError } from '../errors/sspr-error.js';

const running = new WeakSet<Services>();

/** This service can sync: it has a `directory` of its own, or (agent mode) agents that can read one. */
export function canSync(services: Services): boolean {
  return services.config.directory !== undefined || services.writeback.hub !== null;
}

/**
 * One directory sync the way this service is set up: through its own `directory` connection when it has one,
 * else through a ready agent (agent mode, the service cannot reach the directory). One run at a time per
 * service: a second caller gets `sync-running` (409).
 */
export async function runServiceSync(services: Services, options: DirectorySyncOptions = {}): Promise<DirectorySyncSummary> {
  const { config, store, cipher, clock } = services;
  if (!canSync(services)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: 'no directory is configured (directory, or writeback.mode "agent")' });
  if (running.has(services)) throw new SsprError('sync-running');
  running.add(services);
  try {
    if (config.directory) return await syncDirectory(config.directory, store, cipher, clock, options);
    return await syncFrom(agentSyncSource(services.writeback.hub!), store, cipher, clock, options);
  } finally {
    running.delete(services);
  }
}

/** A sync an operator asked for (console or admin API), audited as `directory-sync` with who asked. */
export async function runRequestedSync(services: Services, options: DirectorySyncOptions, by: string): Promise<DirectorySyncSummary> {
  const summary = await runServiceSync(services, options);
  const { accounts, groups } = summary;
  await services.audit.record({
    event: 'directory-sync',
    outcome: 'success',
    detail: { by, mode: summary.mode, directory: summary.kind, created: accounts.created, updated: accounts.updated, disabled: accounts.disabled, groupsChanged: groups.created + groups.updated },
  });
  return summary;
}
