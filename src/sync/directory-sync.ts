/**
 * One sync of the configured `directory` into the store: what `sspr sync` runs and what `sspr serve` schedules.
 * The run is full when asked for or when no earlier run left a marker; incremental otherwise.
 */
import type { Clock } from '../store/clock.js';
import type { Store } from '../store/database.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { DirectorySyncTarget } from '../store/directory-sync-target.js';
import { withBulkWrites } from '../store/bulk-writes.js';
import { directorySource, type DirectoryKind, type DirectorySection } from '../directory/registry.js';
import { runSync } from './sync-run.js';
import { dnKey } from './dn-anchor-map.js';
import type { DirectoryReader } from './directory-reader.js';
import type { SyncMode, SyncSummary, SyncTarget } from './sync-types.js';

export interface DirectorySyncOptions {
  /** Read everything and disable the accounts that vanished (otherwise: incremental once a marker exists). */
  full?: boolean;
  /** Told the mode and, for a full run over entries stored earlier, how many there are (a progress estimate). */
  onStart?: (mode: SyncMode, storedEntries: number | null) => void;
  onProgress?: (processed: number) => void;
  /** Aborts the run: the directory connection is closed and the run fails without writing its marker. */
  signal?: AbortSignal;
  /**
   * Nothing else uses the store's connection while the run lasts (`sspr sync`; never a run inside `sspr serve`,
   * whose event loop must not be held): a full run may hold the thread for longer steps, such as building the
   * indexes a first import left out (withBulkWrites).
   */
  exclusive?: boolean;
}

/** A run's summary with the directory kind it read. */
export type DirectorySyncSummary = SyncSummary & { kind: DirectoryKind };

/** Runs one sync of a `directory` config section and closes its connection. */
export function syncDirectory(
  directory: DirectorySection,
  store: Pick<Store, 'db' | 'dialect'>,
  cipher: FieldCipher,
  clock: Clock,
  options: DirectorySyncOptions = {},
): Promise<DirectorySyncSummary> {
  return syncFrom(directorySource(directory), store, cipher, clock, options);
}

/** Runs one sync from any reader (the server's own connection, or an agent's relay) and closes the reader. */
export async function syncFrom(
  source: { kind: DirectoryKind; reader: DirectoryReader },
  store: Pick<Store, 'db' | 'dialect'>,
  cipher: FieldCipher,
  clock: Clock,
  options: DirectorySyncOptions = {},
): Promise<DirectorySyncSummary> {
  options.signal?.throwIfAborted();
  const { kind, reader } = source;
  const abort = (): void => void reader.close();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    const target = new DirectorySyncTarget(store.db, clock, cipher, kind, dnKey);
    const mode: SyncMode = options.full || (await target.readMarker()) === null ? 'full' : 'incremental';
    if (options.onStart) {
      const stored = mode === 'full' ? await target.storedEntries() : 0;
      options.onStart(mode, stored > 0 ? stored : null);
    }
    const run = (into: SyncTarget) => runSync(reader, into, { mode, onProgress: options.onProgress, signal: options.signal });
    // A first import of this directory builds the users' look-up indexes once, at its end.
    const summary = mode === 'full'
      ? await withBulkWrites(store, (bulk) => run(target.pacedBy(bulk)), { exclusive: options.exclusive === true, rebuildIndexes: !(await target.hasAccounts()), clock })
      : await run(target);
    return { ...summary, kind };
  } finally {
    options.signal?.removeEventListener('abort', abort);
    await reader.close();
  }
}

/** The one-line summary of a run (printed by `sspr sync`, logged by the schedule in `sspr serve`). */
export function summaryLine(summary: SyncSummary & { kind: string }): string {
  const a = summary.accounts;
  const g = summary.groups;
  return (
    `${summary.mode} sync from ${summary.kind}: users ${a.created} created, ${a.updated} updated, ${a.unchanged} unchanged, ${a.disabled} disabled; ` +
    `groups ${g.created} created, ${g.updated} updated, ${g.unchanged} unchanged; ${summary.seconds.toFixed(1)} s`
  );
}
