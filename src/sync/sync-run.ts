/**
 * One `sspr sync` run: streams the directory into the SyncTarget and records where the next run starts.
 *
 * Order and failure contract: accounts and groups are upserted as they stream in; group memberships are set once
 * the whole read is done (a member may stream after its group); a full run then disables accounts it did not see;
 * the marker is written last, so a run that fails anywhere is repeated from the old marker, never skipped.
 *
 * A run inside `sspr serve` shares the event loop with every request: a page of accounts or groups is stored
 * `STORE_CHUNK` at a time (one transaction each), and the loop is handed back between chunks and between groups'
 * member lists once a slice of `SLICE_MS` is used (a page of 500 in one transaction held it 50–70 ms).
 */
import { DnAnchorMap, resolveMemberAnchors } from './dn-anchor-map.js';
import type { DirectoryReader } from './directory-reader.js';
import type { SyncMode, SyncSummary, SyncTarget, UpsertCounts } from './sync-types.js';
import { TimeSlices } from '../threads/time-slices.js';

/** Accounts or groups stored per transaction. */
const STORE_CHUNK = 100;
/** The slice of the event loop a run takes before handing it back. */
const SLICE_MS = 8;

export interface SyncOptions {
  mode: SyncMode;
  /** Called after each stored page with the number of entries (accounts and groups) processed so far. */
  onProgress?: ((processed: number) => void) | undefined;
  /** Checked between pages: once aborted, the run throws before storing more and writes no marker. */
  signal?: AbortSignal | undefined;
}

export async function runSync(reader: DirectoryReader, target: SyncTarget, options: SyncOptions): Promise<SyncSummary> {
  const startedMs = performance.now();
  const full = options.mode === 'full';
  const since = full ? null : await target.readMarker();
  const summary: SyncSummary = {
    mode: options.mode,
    accounts: { created: 0, updated: 0, unchanged: 0, disabled: 0 },
    groups: { created: 0, updated: 0, unchanged: 0 },
    marker: '',
    seconds: 0,
  };
  const seenDns = new DnAnchorMap();
  const seenAccounts = new Set<string>();
  const pendingMembers: Array<{ groupAnchor: string; memberDns: string[] }> = [];
  let processed = 0;
  const add = (into: UpsertCounts, counts: UpsertCounts): void => {
    into.created += counts.created;
    into.updated += counts.updated;
    into.unchanged += counts.unchanged;
  };

  const slices = new TimeSlices(SLICE_MS);
  await target.startRun(options.mode);
  const { marker } = await reader.readChanges(
    since,
    async (accounts) => {
      options.signal?.throwIfAborted();
      for (const account of accounts) {
        if (!full) seenDns.remember(account.dn, account.anchor);
        seenAccounts.add(account.anchor);
      }
      for (let at = 0; at < accounts.length; at += STORE_CHUNK) {
        await slices.pause();
        add(summary.accounts, await target.upsertAccounts(accounts.slice(at, at + STORE_CHUNK)));
      }
      options.onProgress?.((processed += accounts.length));
    },
    async (groups) => {
      options.signal?.throwIfAborted();
      for (const group of groups) {
        seenDns.remember(group.dn, group.anchor);
        pendingMembers.push({ groupAnchor: group.anchor, memberDns: group.memberDns });
      }
      for (let at = 0; at < groups.length; at += STORE_CHUNK) {
        await slices.pause();
        add(summary.groups, await target.upsertGroups(groups.slice(at, at + STORE_CHUNK)));
      }
      options.onProgress?.((processed += groups.length));
    },
  );
  // Members not resolved from this run's DNs are looked up in the store, once. A full run keeps the DNs of groups
  // only, not of every account (100,000 DNs were most of its live heap, and the heap grows to a multiple of that
  // before a collection): the accounts it streamed are stored by now, so the store answers for them, and only
  // for them (`among`), as the DNs it saw would have.
  const unseen = [...new Set(pendingMembers.flatMap(({ memberDns }) => memberDns.filter((dn) => !seenDns.has(dn))))];
  const stored = unseen.length > 0 ? await target.anchorsForDns(unseen, full ? seenAccounts : undefined) : null;
  for (const { groupAnchor, memberDns } of pendingMembers) {
    await slices.pause();
    await target.setGroupMembers(groupAnchor, resolveMemberAnchors(memberDns, seenDns, stored));
  }
  options.signal?.throwIfAborted();
  if (full) summary.accounts.disabled = await target.disableMissing(seenAccounts);
  await target.writeMarker(marker);
  summary.marker = marker;
  summary.seconds = (performance.now() - startedMs) / 1000;
  return summary;
}
