/**
 * The seam to wherever accounts live: `local` (the service's own store, cloud-only accounts) and
 * AccountDirectory, which adds the on-premises kinds (`ldap`, `ad`) through writeback. Adapters translate their
 * own errors into SsprError with a precise code.
 */
export interface DirectoryUser {
  id: string;
  username: string;
  displayName: string;
  firstName: string;
  lastName: string;
  email: string | null;
  mobile: string | null;
  enabled: boolean;
  isAdmin: boolean;
  /** 'local' for cloud-only accounts, else the directory that manages the account ('ldap', 'ad'). */
  source: string;
  /** Directory accounts: the stable anchor the sync recorded (entryUUID / objectGUID); null for cloud-only ones. */
  anchor: string | null;
  /** The stored expiry of a directory account's password when the store read it (null: none stored); absent: not read. */
  passwordExpiresAt?: number | null;
}

/** What an account shows of itself (My account, the console's user page): names and contact data, nothing secret. */
export type UserProfile = Pick<DirectoryUser, 'username' | 'displayName' | 'firstName' | 'lastName' | 'email' | 'mobile'>;

/** The profile of an account (a directory user or a stored one): only the `UserProfile` fields, copied. */
export function profileOf(user: UserProfile): UserProfile {
  return { username: user.username, displayName: user.displayName, firstName: user.firstName, lastName: user.lastName, email: user.email, mobile: user.mobile };
}

export interface Directory {
  readonly kind: string;
  /** The user by name (case-insensitive), or null. */
  findUser(username: string): Promise<DirectoryUser | null>;
  /** The user by the service's own id, or null. */
  findUserById(id: string): Promise<DirectoryUser | null>;
  /**
   * The user when the password is right and the account enabled, else null. Takes the same time whether
   * or not the user exists.
   */
  authenticate(username: string, password: string): Promise<DirectoryUser | null>;
  /**
   * True when `password` is one of the user's recent passwords that may not be reused. Directories that
   * enforce their own history answer false and refuse at write time instead.
   */
  isRecentPassword(user: DirectoryUser, password: string): Promise<boolean>;
  /** The stricter rules the account's own directory applies (AD policy / PSO, ppolicy), if it has any. */
  directoryPolicyFor?(user: DirectoryUser): Promise<{ minLength?: number; complexity?: boolean; historyLength?: number } | null>;
  /** Sets a new password as an administrative reset (no old password). */
  resetPassword(user: DirectoryUser, newPassword: string): Promise<void>;
  /** The user's own change: the current password is checked (by the account's directory, where it lives there). */
  changePassword?(user: DirectoryUser, oldPassword: string, newPassword: string): Promise<void>;
  /** Clears a directory lockout without changing the password. */
  unlock?(user: DirectoryUser): Promise<void>;
}
