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

export interface DirectoryInspector {
  /** Looks the user up by login name and reads flags, policy, last change and the service account's rights. */
  inspect(user: { username: string; anchor: string | null }): Promise<AccountInspection>;
  probe(): Promise<ServiceProbe>;
}
