import type { DirectoryPasswordPolicy } from '../directory/onprem/onprem-directory.js';

/**
 * The seam between the flows and an account's on-premises directory. Two implementations: DirectWriteback
 * (this server talks to the directory) and AgentWriteback (an enrolled agent next to the directory does).
 * Contract for both: the directory is written first and the call resolves only after it accepted; a refusal
 * or fault rejects with DirectoryError (precise reason) or SsprError (writeback-no-agent, -unconfirmed, …).
 * A call never resolves without a definite answer and never hangs past the configured deadline.
 */
export interface WritebackTarget {
  userId: string;
  username: string;
  /** The directory kind that manages the account ('ldap' | 'ad'). */
  source: string;
  /** entryUUID / objectGUID recorded by the sync; the directory object must carry it. */
  anchor: string | null;
}

/** What started a write (mirrors Entra Connect's reset / change / admin reset event families). */
export type WritebackOrigin = 'reset' | 'change' | 'unlock' | 'admin-reset';

/** What an administrative reset may ask of the directory beyond the password. */
export interface ResetWriteOptions {
  /**
   * Leave "must change at next sign-in" set. In agent mode the job goes only to an agent that announced the
   * feature 'must-change'; with none connected the reset is refused (writeback-must-change-unsupported), never
   * applied without the flag.
   */
  mustChange?: boolean;
}

/**
 * Whether a reset can leave "must change at next sign-in" set for accounts of one directory kind: 'supported', or
 * 'agent-lacks' when every agent connected for it is too old to carry the flag (it announced no 'must-change').
 * With no agent connected at all the answer is 'supported': the reset itself then fails with writeback-no-agent.
 */
export type MustChangeSupport = 'supported' | 'agent-lacks';

export interface Writeback {
  readonly mode: 'direct' | 'agent';
  /** Administrative reset (no old password); also clears a lockout. */
  reset(target: WritebackTarget, newPassword: string, origin: 'reset' | 'admin-reset', options?: ResetWriteOptions): Promise<void>;
  /** Whether `reset(…, { mustChange: true })` can be carried out for accounts of this directory kind now. */
  mustChangeSupport(source: string): Promise<MustChangeSupport>;
  /** The user's own change; the directory checks the old password. */
  change(target: WritebackTarget, oldPassword: string, newPassword: string): Promise<void>;
  /** Clears a lockout without touching the password. */
  unlock(target: WritebackTarget): Promise<void>;
  /** True for the right password, false for a wrong one (a bind as the user). */
  verifyPassword(target: WritebackTarget, password: string): Promise<boolean>;
  /** The directory's policy for this account, or null where it cannot be read. */
  passwordPolicy(target: WritebackTarget): Promise<DirectoryPasswordPolicy | null>;
  close(): Promise<void>;
}
