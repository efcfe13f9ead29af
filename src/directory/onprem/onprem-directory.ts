/**
 * The seam to an on-premises directory (OpenLDAP and other RFC directories: `ldap`; Active Directory: `ad`).
 * Adapters talk LDAP (ldapts) and translate every directory error into a DirectoryError with a precise
 * reason; the raw server text stays in `raw` for logs and the audit record, never for the page.
 * Contract for every adapter: encrypted transport for anything carrying a password (LDAPS or StartTLS),
 * pooled service-account connections, LDAP filters only through the escaping helpers (RFC 4515).
 */
import type { DirectoryKind } from '../registry.js';

/** An account as the directory holds it. */
export interface OnPremAccount {
  dn: string;
  /** Stable anchor: entryUUID (OpenLDAP) or objectGUID (AD), as a lower-case UUID string. */
  anchor: string;
  username: string;
  displayName: string;
  firstName: string;
  lastName: string;
  email: string | null;
  mobile: string | null;
  enabled: boolean;
  locked: boolean;
  mustChangePassword: boolean;
  passwordExpired: boolean;
  accountExpired: boolean;
  passwordNeverExpires: boolean;
  /** AD: adminCount=1 or member of a protected group; delegated resets are refused by design (SDProp). */
  protectedAccount: boolean;
  /** DNs of the groups the account is a direct member of. */
  memberOf: string[];
}

export type DirectoryFailure =
  | 'too-short'
  | 'not-complex'
  | 'in-history'
  | 'too-young'
  | 'policy'
  | 'wrong-old-password'
  | 'access-denied'
  | 'encryption-required'
  | 'locked'
  | 'disabled'
  | 'expired'
  | 'must-change'
  | 'invalid-credentials'
  | 'user-not-found'
  | 'multiple-matches'
  | 'protected-account'
  | 'unreachable'
  | 'timeout';

/** A directory refusal or fault with a precise reason. */
export class DirectoryError extends Error {
  constructor(
    readonly reason: DirectoryFailure,
    /** The server's own text (for logs and audit only). */
    readonly raw: string,
    readonly ldapCode?: number,
  ) {
    super(`directory refused: ${reason}`);
    this.name = 'DirectoryError';
  }
}

/** The directory's own password policy, where readable (AD domain policy / PSO, OpenLDAP ppolicy). */
export interface DirectoryPasswordPolicy {
  minLength?: number;
  complexity?: boolean;
  historyLength?: number;
  minAgeSeconds?: number;
  lockoutThreshold?: number;
}

/** What a connection probe saw (for the doctor and the agent's heartbeat). */
export interface DirectoryProbe {
  reachable: boolean;
  encrypted: boolean;
  serviceBindOk: boolean;
  /** rootDSE supportedControl / supportedExtension OIDs. */
  supportedControls: string[];
  supportedExtensions: string[];
  error?: { reason: DirectoryFailure; raw: string };
  latencyMs: number;
}

/**
 * The service account's effective rights on one user object, as far as the directory can tell (null: it cannot).
 * AD: the Reset/Change Password control access rights evaluated from the object's DACL for the service account's
 * token (objectSid + tokenGroups), attribute writes from `allowedAttributesEffective` (MS-ADTS 3.1.1.4.5.9).
 */
export interface DirectoryRights {
  resetPassword: boolean | null;
  changePassword: boolean | null;
  writeLockoutTime: boolean | null;
  writePwdLastSet: boolean | null;
  /** Short names of the rights found missing (e.g. "Reset Password", "write lockoutTime", "inheritance"). */
  missing: string[];
  /** What was read, for the doctor's evidence only. */
  evidence: string;
}

/** A read-only look at one login name: how many objects match, the account, its policy, last change and our rights. */
export interface OnPremInspection {
  /** Objects matching the login name (0: none; > 1: ambiguous, counted up to a small limit). */
  matches: number;
  account: OnPremAccount | null;
  policy: DirectoryPasswordPolicy | null;
  /** AD pwdLastSet / ppolicy pwdChangedTime, epoch ms; null when never set or unreadable. */
  passwordChangedAt: number | null;
  rights: DirectoryRights | null;
}

export interface ResetOptions {
  /** Leave "must change at next logon" set after the reset (default false for self-service). */
  mustChangeAtNextLogon?: boolean;
  /** Also clear a lockout (default true: a reset unlocks). */
  unlock?: boolean;
}

export interface OnPremDirectory {
  readonly kind: DirectoryKind;
  /** The account by login name (uid / sAMAccountName / userPrincipalName), null when none; several → multiple-matches. */
  findAccount(username: string): Promise<OnPremAccount | null>;
  /** Administrative reset with the service account; the directory's policy applies (AD: policy-hints control when advertised). */
  resetPassword(account: OnPremAccount, newPassword: string, options?: ResetOptions): Promise<void>;
  /** User change: old password required and checked by the directory. */
  changePassword(account: OnPremAccount, oldPassword: string, newPassword: string): Promise<void>;
  /** Clears a lockout without changing the password. */
  unlock(account: OnPremAccount): Promise<void>;
  /** Binds as the user: true for the right password, false for a wrong one; other states throw DirectoryError. */
  verifyPassword(account: OnPremAccount, password: string): Promise<boolean>;
  readPasswordPolicy(account: OnPremAccount): Promise<DirectoryPasswordPolicy>;
  probe(): Promise<DirectoryProbe>;
  /** Reads (never writes) what the doctor needs about a login name; directory faults throw DirectoryError. */
  inspectAccount(username: string): Promise<OnPremInspection>;
  close(): Promise<void>;
}
