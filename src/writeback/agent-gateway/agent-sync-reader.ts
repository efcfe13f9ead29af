import { SsprError } from '../../errors/sspr-error.js';
import type { AccountCallback, DirectoryReader, GroupCallback } from '../../sync/directory-reader.js';
import type { DirectoryKind } from '../../directory/registry.js';
import type { AgentHub } from './agent-hub.js';

/**
 * A DirectoryReader for a server that cannot reach the directory: a ready agent on this node reads it with the
 * same paged readers and relays the pages (AgentSession.relaySync). Used only when the server has no
 * `directory` section, so any ready agent will do; `kind` is that agent's directory kind.
 */
export function agentSyncSource(hub: AgentHub): { kind: DirectoryKind; reader: DirectoryReader } {
  const session = hub.pick(null);
  if (!session) throw new SsprError('writeback-no-agent');
  const reader: DirectoryReader = {
    readChanges: (since: string | null, onAccounts: AccountCallback, onGroups: GroupCallback) => session.relaySync(since, onAccounts, onGroups),
    close: () => Promise.resolve(),
  };
  return { kind: session.directory as DirectoryKind, reader };
}
