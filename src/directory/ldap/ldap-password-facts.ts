/**
 * Password expiry facts of an OpenLDAP account for the reminders (draft-behera-ldap-password-policy §5.2/§5.3):
 * the effective policy is the entry's pwdPolicySubentry, else the overlay's default policy (`passwordPolicyDn`);
 * the password expires pwdMaxAge seconds after pwdChangedTime (pwdMaxAge 0 or absent: never). An entry with
 * pwdReset TRUE must change at the next bind: there is nothing left to remind of. Grace binds
 * (pwdGraceAuthNLimit) come after the expiry and do not move it: reminders aim at the expiry itself.
 */
import type { Client, Entry } from 'ldapts';
import { booleanValue, firstValue, generalizedTime, numberValue } from '../ldap-common/ldap-values.js';

export interface PasswordFacts {
  passwordChangedAt: number | null;
  passwordExpiresAt: number | null;
  managerDn: string | null;
}

/** User attributes the facts need (operational ones must be named: RFC 4511 §4.5.1.8). */
export const FACT_ATTRIBUTES = ['pwdChangedTime', 'pwdPolicySubentry', 'pwdReset', 'manager'];

/** The facts of one entry, given the pwdMaxAge (seconds) of its effective policy (null: no policy applies). */
export function ldapPasswordFacts(entry: Entry, maxAgeSeconds: number | null): PasswordFacts {
  const changed = generalizedTime(firstValue(entry, 'pwdChangedTime'))?.getTime() ?? null;
  const mustChange = booleanValue(entry, 'pwdReset') === true;
  const expires = !mustChange && changed !== null && maxAgeSeconds !== null && maxAgeSeconds > 0 ? changed + maxAgeSeconds * 1000 : null;
  return { passwordChangedAt: changed, passwordExpiresAt: expires, managerDn: firstValue(entry, 'manager') };
}

/** The DN of the policy that governs an entry, or null when none does. */
export function effectivePolicyDn(entry: Entry, defaultPolicyDn: string | undefined): string | null {
  return firstValue(entry, 'pwdPolicySubentry') ?? defaultPolicyDn ?? null;
}

/**
 * pwdMaxAge of policy entries, read once per DN for the life of the cache (one sync run). An unreadable or
 * missing policy entry counts as "no maximum age".
 */
export class PolicyMaxAges {
  private readonly known = new Map<string, number | null>();

  constructor(private readonly client: () => Promise<Client>) {}

  async resolve(dns: Iterable<string>): Promise<void> {
    for (const dn of dns) {
      if (this.known.has(dn)) continue;
      try {
        const { searchEntries } = await (await this.client()).search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['pwdMaxAge'] });
        const entry = searchEntries[0];
        this.known.set(dn, entry ? (numberValue(entry, 'pwdMaxAge') ?? null) : null);
      } catch {
        this.known.set(dn, null);
      }
    }
  }

  maxAge(dn: string | null): number | null {
    return dn === null ? null : (this.known.get(dn) ?? null);
  }
}
