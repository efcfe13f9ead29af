import type { Logger } from 'pino';
import { DirectoryError } from '../directory/onprem/onprem-directory.js';
import { directorySource, type DirectorySection } from '../directory/registry.js';
import type { SyncMessage } from '../writeback/agent-protocol/protocol.js';
import type { SyncedAccount } from '../sync/sync-types.js';

/** Target size of one relayed slice; a single entry larger than this travels alone. */
const SLICE_BYTES = 900_000;
const ACK_TIMEOUT_MS = 120_000;

type Send = (message: Record<string, unknown>) => boolean;

/**
 * Reads the agent's directory for a server that cannot reach it (agent mode without a server-side `directory`):
 * the same paged readers as `sspr sync`, each page cut into slices of about 1 MB, one slice in flight at a time
 * (the next goes after the server's sync-ack, so the server's store sets the pace and memory stays at two
 * pages). Ends with sync-end carrying the marker, or the directory's reason. One relayed sync at a time.
 */
export class AgentSyncRelay {
  private readonly acks = new Map<string, () => void>();
  private running = false;

  constructor(
    private readonly directory: DirectorySection,
    private readonly log: Logger,
  ) {}

  acknowledge(syncId: string, seq: number): void {
    this.acks.get(`${syncId}:${seq}`)?.();
  }

  async run(request: SyncMessage, send: Send): Promise<void> {
    const { syncId } = request;
    if (this.running) {
      send({ type: 'sync-end', syncId, reason: 'unreachable', raw: 'a sync is already running on this agent' });
      return;
    }
    this.running = true;
    const { reader } = directorySource(this.directory);
    let seq = 0;
    const sendSlices = async (kind: 'accounts' | 'groups', items: unknown[]) => {
      for (const slice of slices(items)) {
        const key = `${syncId}:${seq}`;
        const acked = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('the service did not acknowledge a sync page within 120 s')), ACK_TIMEOUT_MS);
          this.acks.set(key, () => {
            clearTimeout(timer);
            resolve();
          });
        });
        acked.catch(() => undefined);
        if (!send({ type: 'sync-page', syncId, seq, kind, items: slice })) throw new Error('the connection to the service closed during the sync');
        seq += 1;
        try {
          await acked;
        } finally {
          this.acks.delete(key);
        }
      }
    };
    try {
      // Password facts travel only when the server asked: an older server refuses keys it does not know.
      const relayed = (accounts: SyncedAccount[]) => (request.facts ? accounts : accounts.map(withoutFacts));
      const { marker } = await reader.readChanges(request.since, (accounts) => sendSlices('accounts', relayed(accounts)), (groups) => sendSlices('groups', groups));
      send({ type: 'sync-end', syncId, marker });
      this.log.info({ pages: seq }, 'relayed a directory sync to the service');
    } catch (error) {
      const reason = error instanceof DirectoryError ? error.reason : 'unreachable';
      const raw = (error instanceof DirectoryError ? error.raw : error instanceof Error ? error.message : String(error)).slice(0, 500);
      this.log.warn({ reason, raw }, 'relayed sync failed');
      send({ type: 'sync-end', syncId, reason, raw });
    } finally {
      this.running = false;
      await reader.close().catch(() => undefined);
    }
  }
}

function withoutFacts(account: SyncedAccount): SyncedAccount {
  const { passwordChangedAt: _changed, passwordExpiresAt: _expires, managerDn: _manager, ...rest } = account;
  return rest;
}

/** Cuts a page into runs whose JSON stays near SLICE_BYTES. */
function* slices(items: unknown[]): Generator<unknown[]> {
  let current: unknown[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = JSON.stringify(item).length;
    if (current.length > 0 && bytes + size > SLICE_BYTES) {
      yield current;
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) yield current;
}
