import type { OnPremAccount } from '../directory/onprem/onprem-directory.js';
import type { DirectoryAccountData } from '../store/users-repository.js';

/**
 * The data model of `sspr sync`: what a DirectoryReader streams out of LDAP / AD, what the caller's database
 * (a SyncTarget) stores, and the summary of one run.
 */

/** One user entry, mapped. `anchor` is the entryUUID (RFC 4530) or objectGUID as a lower-case UUID. */
export interface SyncedAccount extends DirectoryAccountData {
  memberOfDns: string[];
}

/** One group entry; `memberDns` are the DNs of its direct members, users and nested groups alike. */
export interface SyncedGroup {
  anchor: string;
  dn: string;
  name: string;
  memberDns: string[];
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';
export type UpsertCounts = Record<UpsertOutcome, number>;

/**
 * The caller's store. Contract: every method is idempotent; an upsert counts a record 'unchanged' when the
 * stored record already equals the given one, so a repeated run over an unchanged directory reports nothing but
 * 'unchanged'. Upserts take one page of entries at a time and store it as if its entries were upserted one by
 * one in order (a page may name one anchor twice; the later entry wins).
 */
export interface SyncTarget {
  /** Called once before the first upsert of a run (a full run may preload what it needs to compare). */
  startRun(mode: SyncMode): Promise<void>;
  upsertAccounts(accounts: readonly SyncedAccount[]): Promise<UpsertCounts>;
  upsertGroups(groups: readonly SyncedGroup[]): Promise<UpsertCounts>;
  /** Replaces the group's members; `memberAnchors` are anchors of users and groups (resolved from DNs by runSync). */
  setGroupMembers(groupAnchor: string, memberAnchors: string[]): Promise<void>;
  /** Full sync only: disables every stored, enabled account not in `seenAccountAnchors`; returns how many. */
  disableMissing(seenAccountAnchors: Set<string>): Promise<number>;
  /**
   * Anchors of stored accounts and groups with these DNs, keyed by dnKey (DNs compared as dn-anchor-map.ts
   * does); DNs not stored are absent. With `among` (a full run: the accounts it streamed), only accounts with
   * those anchors answer, no groups. One call per run, for all the members whose DNs the run does not hold.
   */
  anchorsForDns(dns: readonly string[], among?: ReadonlySet<string>): Promise<Map<string, string>>;
  /** The change marker written by the last successful run, or null before the first. */
  readMarker(): Promise<string | null>;
  writeMarker(marker: string): Promise<void>;
}

export type SyncMode = 'full' | 'incremental';

export interface SyncSummary {
  mode: SyncMode;
  accounts: { created: number; updated: number; unchanged: number; disabled: number };
  groups: { created: number; updated: number; unchanged: number };
  /** The marker written at the end of the run (the next incremental run starts from it). */
  marker: string;
  seconds: number;
}

/** The sync's view of an account the connectors already parsed. */
export function syncedAccountFrom(account: OnPremAccount): SyncedAccount {
  const { anchor, dn, username, displayName, firstName, lastName, email, mobile, enabled, memberOf } = account;
  return { anchor, dn, username, displayName, firstName, lastName, email, mobile, enabled, memberOfDns: memberOf };
}
