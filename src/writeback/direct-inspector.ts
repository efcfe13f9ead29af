import type { OnPremDirectory } from '../directory/onprem/onprem-directory.js';
import { policyHintsOf } from '../directory/registry.js';
import type { AccountInspection, DirectoryInspector, ServiceProbe } from './directory-inspector.js';

/**
 * How long a probe started earlier answers for the directory: a probe opens a connection of its own (TCP, TLS
 * handshake, rootDSE, service bind), which cost more than the rest of a per-user diagnosis together, and most of
 * its tail on a busy host. Within this window callers share one probe, in flight or settled; a probe that found
 * the directory unwell is never reused, so a failure is always looked at afresh and a recovery is seen at once.
 */
export const PROBE_REUSE_MS = 2_000;

/** The doctor's view of the directory in direct mode: this server's own connector, read-only. */
export class DirectInspector implements DirectoryInspector {
  private recentProbe: { startedAt: number; probe: Promise<ServiceProbe> } | null = null;

  constructor(private readonly directory: OnPremDirectory) {}

  async inspect(user: { username: string; anchor: string | null }): Promise<AccountInspection> {
    const found = await this.directory.inspectAccount(user.username);
    const anchorMatches = user.anchor === null || found.account === null ? null : found.account.anchor === user.anchor.toLowerCase();
    return { ...found, anchorMatches };
  }

  /** Reachability, encryption and the service bind as of at most PROBE_REUSE_MS ago (a healthy result) or now. */
  probe(): Promise<ServiceProbe> {
    const now = Date.now();
    const recent = this.recentProbe;
    // A clock set back makes the age negative: that probe is not reused either.
    if (recent && now >= recent.startedAt && now - recent.startedAt < PROBE_REUSE_MS) return recent.probe;
    const entry = { startedAt: now, probe: this.freshProbe() };
    this.recentProbe = entry;
    const forget = (): void => {
      if (this.recentProbe === entry) this.recentProbe = null;
    };
    entry.probe.then((probe) => {
      if (!probe.reachable || !probe.serviceBindOk || probe.error) forget();
    }, forget);
    return entry.probe;
  }

  private async freshProbe(): Promise<ServiceProbe> {
    const probe = await this.directory.probe();
    return { ...probe, policyHints: policyHintsOf(this.directory.kind, probe) };
  }
}
