/**
 * Streaming reads of users and groups out of a directory, for `sspr sync`.
 *
 * Memory contract: implementations stream entries page by page into the callbacks (paged-search.ts, RFC 2696)
 * and never hold more than two pages (the one handed to a callback and the one being received).
 */
import type { SyncedAccount, SyncedGroup } from './sync-types.js';

/** One page of mapped entries; the next page is handed over only after the returned promise settled. */
export type AccountCallback = (accounts: SyncedAccount[]) => Promise<void> | void;
export type GroupCallback = (groups: SyncedGroup[]) => Promise<void> | void;

export interface DirectoryReader {
  /**
   * Streams every user, then every group, changed since `since` (null: all of them), and returns the marker to
   * pass as `since` next time. Entries changed while the read runs may be streamed again on the next call, never
   * missed: the marker is chosen conservatively and consumers are idempotent.
   */
  readChanges(since: string | null, onAccounts: AccountCallback, onGroups: GroupCallback): Promise<{ marker: string }>;
  close(): Promise<void>;
}
