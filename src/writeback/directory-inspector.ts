/**
 * The doctor's read-only view of an on-premises account, through whichever path reaches the directory:
 * the server's own connection (direct mode) or an agent (agent mode; the agent runs the same inspection next
 * to the directory and returns this shape). Never writes, never binds as the user.
 */
import type { DirectoryProbe, OnPremInspection } from '../directory/onprem/onprem-directory.js';

/** A connector's inspection, plus whether the match carries the anchor the sync recorded (null: none recorded). */
export interface AccountInspection extends OnPremInspection {
  anchorMatches: boolean | null;
}

export interface ServiceProbe extends DirectoryProbe {
  /** AD: rootDSE advertises the policy-hints control (…2239 or …2066); null for non-AD directories. */
  policyHints: boolean | null;
}

/**
 * Thrown when this process has no path to the directory at all: in agent mode the agents connect to the
 * server nodes, so the CLI (or a node no agent is connected to) cannot ask one. Not a directory failure.
 */
export class InspectorUnreachable extends Error {
  constructor(readonly directory: string | null) {
    super(`no agent${directory ? ` for the ${directory} directory` : ''} is connected to this process`);
    this.name = 'InspectorUnreachable';
  }
}

export interface DirectoryInspector {
  /**
   * Looks the user up by login name and reads flags, policy, last change and the service account's rights.
   * `source` is the directory kind the account was synced from.
   */
  inspect(user: { username: string; anchor: string | null; source: string }): Promise<AccountInspection>;
  probe(): Promise<ServiceProbe>;
}
