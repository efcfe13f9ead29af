import type { OnPremAccount } from '../onprem/onprem-directory.js';
import type { AdConfig } from './ad-config.js';
import type { EntryReader } from './ad-entry.js';
import { isProtectedAccount } from './ad-protected.js';
import {
  ACCOUNT_NEVER_EXPIRES,
  UAC,
  filetimeToUnixMs,
  guidToUuid,
  integerOr,
  largeInteger,
  sidToString,
} from './ad-values.js';

/** Operational attributes read for every account, besides the configured mapping. */
const STATE_ATTRIBUTES = [
  'sAMAccountName',
  'userPrincipalName',
  'userAccountControl',
  // Constructed (MS-ADTS 3.1.1.4.5.17): the only reliable source for "locked out now" and "password expired now".
  'msDS-User-Account-Control-Computed',
  'pwdLastSet',
  'lockoutTime',
  'accountExpires',
  'adminCount',
  'memberOf',
  'primaryGroupID',
  'objectSid',
] as const;

export function accountAttributes(config: AdConfig): string[] {
  const mapping = config.attributes;
  return [
    ...new Set([
      ...STATE_ATTRIBUTES,
      config.loginAttribute,
      mapping.email,
      mapping.mobile,
      mapping.firstName,
      mapping.lastName,
      mapping.displayName,
      mapping.anchor,
    ]),
  ];
}

export function binaryAttributes(config: AdConfig): string[] {
  return [config.attributes.anchor, 'objectSid'];
}

/** Maps a user entry to an OnPremAccount. `protectedGroupDns` are normalised DNs of protected groups. */
export function toAccount(
  entry: EntryReader,
  config: AdConfig,
  protectedGroupDns: ReadonlySet<string>,
  nowMs: number = Date.now(),
): OnPremAccount {
  const mapping = config.attributes;
  const uac = integerOr(entry.string('userAccountControl'), 0);
  const computed = entry.string('msDS-User-Account-Control-Computed');
  const computedFlags = integerOr(computed, 0);
  const lockoutTime = largeInteger(entry.string('lockoutTime')) ?? 0n;
  const accountExpires = largeInteger(entry.string('accountExpires')) ?? 0n;
  const anchorBytes = entry.buffer(mapping.anchor);
  const sidBytes = entry.buffer('objectSid');
  const memberOf = entry.strings('memberOf');
  const sid = sidBytes !== undefined ? sidToString(sidBytes) : null;
  return {
    dn: entry.dn,
    anchor: anchorBytes !== undefined && anchorBytes.length === 16 ? guidToUuid(anchorBytes) : '',
    username: entry.string(config.loginAttribute) ?? '',
    displayName: entry.string(mapping.displayName) ?? entry.string('sAMAccountName') ?? '',
    firstName: entry.string(mapping.firstName) ?? '',
    lastName: entry.string(mapping.lastName) ?? '',
    email: entry.string(mapping.email) ?? null,
    mobile: entry.string(mapping.mobile) ?? null,
    enabled: (uac & UAC.ACCOUNTDISABLE) === 0,
    // Without the constructed attribute (very old DCs), a non-zero lockoutTime is the best approximation.
    locked: computed !== undefined ? (computedFlags & UAC.LOCKOUT) !== 0 : lockoutTime > 0n,
    // pwdLastSet = 0 is "user must change password at next logon" (MS-ADA3 Pwd-Last-Set).
    mustChangePassword: largeInteger(entry.string('pwdLastSet')) === 0n,
    passwordExpired: ((computedFlags | uac) & UAC.PASSWORD_EXPIRED) !== 0,
    accountExpired:
      accountExpires !== 0n && accountExpires !== ACCOUNT_NEVER_EXPIRES && filetimeToUnixMs(accountExpires) <= nowMs,
    passwordNeverExpires: (uac & UAC.DONT_EXPIRE_PASSWORD) !== 0,
    protectedAccount: isProtectedAccount(
      {
        adminCount: integerOr(entry.string('adminCount'), 0),
        sid,
        primaryGroupId: integerOr(entry.string('primaryGroupID'), 513),
        memberOf,
      },
      protectedGroupDns,
    ),
    memberOf,
  };
}
