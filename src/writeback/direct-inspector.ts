import type { OnPremDirectory } from '../directory/onprem/onprem-directory.js';
import { policyHintsOf } from '../directory/registry.js';
import type { AccountInspection, DirectoryInspector, ServiceProbe } from './directory-inspector.js';

/** The doctor's view of the directory in direct mode: this server's own connector, read-only. */
export class DirectInspector implements DirectoryInspector {
  constructor(private readonly directory: OnPremDirectory) {}

  async inspect(user: { username: string; anchor: string | null }): Promise<AccountInspection> {
    const found = await this.directory.inspectAccount(user.username);
    const anchorMatches = user.anchor === null || found.account === null ? null : found.account.anchor === user.anchor.toLowerCase();
    return { ...found, anchorMatches };
  }

  async probe(): Promise<ServiceProbe> {
    const probe = await this.directory.probe();
    return { ...probe, policyHints: policyHintsOf(this.directory.kind, probe) };
  }
}
