/**
 * Password expiry facts of an AD account for the reminders.
 *
 * The DC's own answer comes first: msDS-UserPasswordExpiryTimeComputed (MS-ADTS 3.1.1.4.5.43) already applies
 * the domain maxPwdAge or the account's PSO (msDS-MaximumPasswordAge), and is 0x7FFFFFFFFFFFFFFF for "never"
 * (DONT_EXPIRE_PASSWORD, maxPwdAge 0, …) and 0 when pwdLastSet is 0. Without it (a DC that does not construct
 * it), pwdLastSet plus the maximum age of msDS-ResultantPSO, else of the domain, is the same rule spelled out.
 * DONT_EXPIRE_PASSWORD (userAccountControl 0x10000) and pwdLastSet = 0 ("must change at next logon") give no
 * expiry in either case: there is nothing to remind of.
 */
import type { Client } from 'ldapts';
import { EntryReader } from './ad-entry.js';
import { ACCOUNT_NEVER_EXPIRES, UAC, filetimeToUnixMs, integerOr, largeInteger } from './ad-values.js';

export interface PasswordFacts {
  passwordChangedAt: number | null;
  passwordExpiresAt: number | null;
  managerDn: string | null;
}

export const FACT_ATTRIBUTES = ['msDS-UserPasswordExpiryTimeComputed', 'msDS-ResultantPSO', 'manager'];

/** An interval attribute (maxPwdAge, msDS-MaximumPasswordAge: negative 100-ns units) in ms; null: never. */
export function maximumAgeMs(value: string | undefined): number | null {
  const interval = largeInteger(value);
  // 0 and the most negative value (0x8000000000000000) both mean "passwords do not expire" (MS-ADA1 Max-Pwd-Age).
  if (interval === null || interval === 0n || interval <= -0x7fffffffffffffffn) return null;
  return Number((interval < 0n ? -interval : interval) / 10_000n);
}

/** The facts of one entry; `fallbackMaxAgeMs` gives the maximum age by PSO DN (undefined: the domain's). */
export function adPasswordFacts(entry: EntryReader, fallbackMaxAgeMs: (psoDn: string | undefined) => number | null): PasswordFacts {
  const pwdLastSet = largeInteger(entry.string('pwdLastSet'));
  const changed = pwdLastSet !== null && pwdLastSet > 0n ? filetimeToUnixMs(pwdLastSet) : null;
  const managerDn = entry.string('manager') ?? null;
  const uac = integerOr(entry.string('userAccountControl'), 0);
  if ((uac & UAC.DONT_EXPIRE_PASSWORD) !== 0 || changed === null) return { passwordChangedAt: changed, passwordExpiresAt: null, managerDn };
  const computed = largeInteger(entry.string('msDS-UserPasswordExpiryTimeComputed'));
  if (computed !== null) {
    const never = computed <= 0n || computed >= ACCOUNT_NEVER_EXPIRES;
    return { passwordChangedAt: changed, passwordExpiresAt: never ? null : filetimeToUnixMs(computed), managerDn };
  }
  const maxAge = fallbackMaxAgeMs(entry.string('msDS-ResultantPSO'));
  return { passwordChangedAt: changed, passwordExpiresAt: maxAge === null ? null : changed + maxAge, managerDn };
}

/**
 * The maximum ages the fallback needs, read once per sync run: the domain's maxPwdAge (domain NC head from the
 * rootDSE) and each PSO's msDS-MaximumPasswordAge. A PSO the service account may not read (by default only
 * Domain Admins can) counts as the domain's.
 */
export class AdMaxAges {
  private domain: number | null | undefined;
  private readonly psos = new Map<string, number | null | undefined>();

  constructor(private readonly client: () => Promise<Client>) {}

  async resolve(entries: readonly EntryReader[]): Promise<void> {
    const needing = entries.filter((entry) => entry.string('msDS-UserPasswordExpiryTimeComputed') === undefined && (largeInteger(entry.string('pwdLastSet')) ?? 0n) > 0n);
    if (needing.length === 0) return;
    const client = await this.client();
    if (this.domain === undefined) {
      const root = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['defaultNamingContext'] });
      const domainDn = root.searchEntries[0] ? new EntryReader(root.searchEntries[0]).string('defaultNamingContext') : undefined;
      this.domain = domainDn === undefined ? null : maximumAgeMs(await readOne(client, domainDn, 'maxPwdAge'));
    }
    for (const entry of needing) {
      const pso = entry.string('msDS-ResultantPSO');
      if (pso === undefined || this.psos.has(pso)) continue;
      const value = await readOne(client, pso, 'msDS-MaximumPasswordAge');
      this.psos.set(pso, value === undefined ? undefined : maximumAgeMs(value));
    }
  }

  maxAge(psoDn: string | undefined): number | null {
    const pso = psoDn === undefined ? undefined : this.psos.get(psoDn);
    return pso === undefined ? (this.domain ?? null) : pso;
  }
}

async function readOne(client: Client, dn: string, attribute: string): Promise<string | undefined> {
  try {
    const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [attribute] });
    return searchEntries[0] ? new EntryReader(searchEntries[0]).string(attribute) : undefined;
  } catch {
    return undefined;
  }
}
