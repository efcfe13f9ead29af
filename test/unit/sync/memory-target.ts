/** An in-memory SyncTarget for tests: records what runSync stores and answers like a database would. */
import { dnKey } from '../../../src/sync/dn-anchor-map.js';
import type { SyncedAccount, SyncedGroup, SyncMode, SyncTarget, UpsertCounts, UpsertOutcome } from '../../../src/sync/sync-types.js';

/** Order-insensitive equality of two records (DN lists are sets). */
function sameRecord<T extends object>(a: T, b: T): boolean {
  const canonical = (value: T): string =>
    JSON.stringify(value, (_key, field: unknown) => (Array.isArray(field) ? [...(field as string[])].sort() : field));
  return canonical(a) === canonical(b);
}

export class MemoryTarget implements SyncTarget {
  readonly accounts = new Map<string, SyncedAccount>();
  readonly groups = new Map<string, SyncedGroup>();
  readonly members = new Map<string, string[]>();
  marker: string | null = null;
  /** DNs asked through anchorsForDns, in order. */
  readonly lookedUp: string[] = [];

  /** Modes runSync announced, in order. */
  readonly runs: SyncMode[] = [];

  async startRun(mode: SyncMode): Promise<void> {
    this.runs.push(mode);
  }

  async upsertAccounts(accounts: readonly SyncedAccount[]): Promise<UpsertCounts> {
    return this.count(accounts.map((account) => this.upsert(this.accounts, account)));
  }

  async upsertGroups(groups: readonly SyncedGroup[]): Promise<UpsertCounts> {
    return this.count(groups.map((group) => this.upsert(this.groups, group)));
  }

  private count(outcomes: UpsertOutcome[]): UpsertCounts {
    const counts: UpsertCounts = { created: 0, updated: 0, unchanged: 0 };
    for (const outcome of outcomes) counts[outcome] += 1;
    return counts;
  }

  async setGroupMembers(groupAnchor: string, memberAnchors: string[]): Promise<void> {
    this.members.set(groupAnchor, [...memberAnchors].sort());
  }

  async disableMissing(seen: Set<string>): Promise<number> {
    let disabled = 0;
    for (const [anchor, account] of this.accounts) {
      if (!seen.has(anchor) && account.enabled) {
        this.accounts.set(anchor, { ...account, enabled: false });
        disabled += 1;
      }
    }
    return disabled;
  }

  async anchorsForDns(dns: readonly string[], among?: ReadonlySet<string>): Promise<Map<string, string>> {
    this.lookedUp.push(...dns);
    const wanted = new Set(dns.map(dnKey));
    const found = new Map<string, string>();
    const records = among ? [...this.accounts.values()].filter((record) => among.has(record.anchor)) : [...this.accounts.values(), ...this.groups.values()];
    for (const record of records) {
      if (wanted.has(dnKey(record.dn))) found.set(dnKey(record.dn), record.anchor);
    }
    return found;
  }

  async readMarker(): Promise<string | null> {
    return this.marker;
  }

  async writeMarker(marker: string): Promise<void> {
    this.marker = marker;
  }

  /** The account with this username. */
  account(username: string): SyncedAccount | undefined {
    return [...this.accounts.values()].find((account) => account.username === username);
  }

  /** Member anchors of the group named `name`. */
  membersOf(name: string): string[] {
    const group = [...this.groups.values()].find((candidate) => candidate.name === name);
    return group ? (this.members.get(group.anchor) ?? []) : [];
  }

  private upsert<T extends { anchor: string }>(store: Map<string, T>, record: T): UpsertOutcome {
    const existing = store.get(record.anchor);
    if (existing && sameRecord(existing, record)) return 'unchanged';
    store.set(record.anchor, record);
    return existing ? 'updated' : 'created';
  }
}
