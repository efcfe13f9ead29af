/**
 * The doctor's read-only view of an on-premises account, through whichever path reaches the directory:
 * the server's own connection (direct mode) or an agent (agent mode; the agent runs the same inspection next
 * to the directory and returns this shape). Never writes, never binds as the user.
 */
import type { DirectoryPasswordPolicy, DirectoryProbe, OnPremAccount } from '../directory/onprem/onprem-directory.js';

/** The service account's effective rights on one user object; null where the directory cannot tell. */
export interface EffectiveRights {
  /** AD: Reset Password control access right (User-Force-Change-Password); LDAP: write access to userPassword. */
  resetPassword: boolean | null;
  /** AD: Change Password control access right. */
  changePassword: boolean | null;
  /** AD: write lockoutTime (unlock). */
  writeLockoutTime: boolean | null;
  /** AD: write pwdLastSet (must-change handling). */
  writePwdLastSet: boolean | null;
  /** Short names of the rights found missing, for the doctor's evidence and fix. */
  missing: string[];
  /** What was read (e.g. the allowedAttributesEffective values), for evidence only. */
  evidence: string;
}

export interface AccountInspection {
  /** Objects matching the login name: 0 → not found, > 1 → multiple matches. */
  matches: number;
  /** The single match, when there is exactly one. */
  account: OnPremAccount | null;
  /** The match carries the anchor the sync recorded (null when no anchor was recorded). */
  anchorMatches: boolean | null;
  policy: DirectoryPasswordPolicy | null;
  /** When the directory last saw the password set (AD pwdLastSet, ppolicy pwdChangedTime), epoch ms. */
  passwordChangedAt: number | null;
  rights: EffectiveRights | null;
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
