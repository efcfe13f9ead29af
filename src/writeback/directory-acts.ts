import type { OnPremAccount, OnPremDirectory } from '../directory/onprem/onprem-directory.js';
import type { ResetWriteOptions } from './writeback.js';

/**
 * How each writeback act is applied to a found directory account: one place per act, used by this server in
 * direct mode (DirectWriteback) and by the agent (AgentWorker), so both modes write exactly alike.
 * A reset always clears a lockout; `mustChange` leaves "must change at next sign-in" set (AD pwdLastSet=0,
 * OpenLDAP ppolicy pwdReset TRUE); without it the directory adapter's own default applies (AD
 * `mustChangeAfterSelfServiceReset`).
 */
export const directoryActs = {
  reset(directory: OnPremDirectory, account: OnPremAccount, newPassword: string, options: ResetWriteOptions = {}): Promise<void> {
    return directory.resetPassword(account, newPassword, { unlock: true, ...(options.mustChange === true ? { mustChangeAtNextLogon: true } : {}) });
  },
  change(directory: OnPremDirectory, account: OnPremAccount, oldPassword: string, newPassword: string): Promise<void> {
    return directory.changePassword(account, oldPassword, newPassword);
  },
  unlock(directory: OnPremDirectory, account: OnPremAccount): Promise<void> {
    return directory.unlock(account);
  },
  verify(directory: OnPremDirectory, account: OnPremAccount, password: string): Promise<boolean> {
    return directory.verifyPassword(account, password);
  },
} as const;
