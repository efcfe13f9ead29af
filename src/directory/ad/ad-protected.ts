/**
 * Protected accounts (MS-ADTS 3.1.1.6.1.2 "Protected Objects", AdminSDHolder/SDProp): members of these groups
 * get their ACL overwritten from AdminSDHolder every hour and carry adminCount=1, so rights delegated on an
 * OU do not hold for them. A self-service reset for such an account is refused up front, before any write.
 */

/** Well-known SIDs of the protected built-in groups (MS-DTYP 2.4.2.4). */
export const PROTECTED_BUILTIN_SIDS = [
  'S-1-5-32-544', // Administrators
  'S-1-5-32-548', // Account Operators
  'S-1-5-32-549', // Server Operators
  'S-1-5-32-550', // Print Operators
  'S-1-5-32-551', // Backup Operators
  'S-1-5-32-552', // Replicator
] as const;

/** RIDs, relative to the domain SID, of protected domain groups and accounts. */
export const PROTECTED_DOMAIN_GROUP_RIDS = [
  512, // Domain Admins
  516, // Domain Controllers
  518, // Schema Admins (forest root domain)
  519, // Enterprise Admins (forest root domain)
  521, // Read-only Domain Controllers
  526, // Key Admins
  527, // Enterprise Key Admins
] as const;
export const PROTECTED_ACCOUNT_RIDS = [500 /* Administrator */, 502 /* krbtgt */] as const;

/**
 * Names of the protected groups, used as a fallback when a group cannot be resolved by SID (Enterprise and
 * Schema Admins live in the forest root domain, whose SID a child domain's search does not reach).
 */
const PROTECTED_GROUP_NAMES = new Set([
  'administrators',
  'account operators',
  'server operators',
  'print operators',
  'backup operators',
  'replicator',
  'domain admins',
  'domain controllers',
  'schema admins',
  'enterprise admins',
  'read-only domain controllers',
  'key admins',
  'enterprise key admins',
]);

export interface ProtectionFacts {
  adminCount: number;
  /** The account's own SID (S-1-5-21-…-RID), when readable. */
  sid: string | null;
  primaryGroupId: number;
  memberOf: string[];
}

/** Lower-cased DN with no spaces after commas, for comparisons. */
export function normaliseDn(dn: string): string {
  return dn.trim().replace(/\s*,\s*/g, ',').toLowerCase();
}

/** The CN of a DN's first RDN inside a well-known container (CN=Builtin or CN=Users), else null. */
function wellKnownGroupName(dn: string): string | null {
  const match = /^cn=([^,]+),cn=(builtin|users),dc=/.exec(normaliseDn(dn));
  return match?.[1] ?? null;
}

/**
 * True when the facts make the account protected: adminCount=1, a protected RID, a protected primary group,
 * or direct membership of a protected group (by resolved DN, by well-known name, or listed in configuration).
 */
export function isProtectedAccount(facts: ProtectionFacts, protectedGroupDns: ReadonlySet<string>): boolean {
  if (facts.adminCount === 1) return true;
  const rid = facts.sid !== null ? Number(facts.sid.split('-').at(-1)) : NaN;
  if ((PROTECTED_ACCOUNT_RIDS as readonly number[]).includes(rid)) return true;
  if ((PROTECTED_DOMAIN_GROUP_RIDS as readonly number[]).includes(facts.primaryGroupId)) return true;
  return facts.memberOf.some((dn) => {
    if (protectedGroupDns.has(normaliseDn(dn))) return true;
    const name = wellKnownGroupName(dn);
    return name !== null && PROTECTED_GROUP_NAMES.has(name);
  });
}

/** The SIDs to resolve to DNs for a domain (`S-1-5-21-a-b-c`). */
export function protectedGroupSids(domainSid: string): string[] {
  return [...PROTECTED_BUILTIN_SIDS, ...PROTECTED_DOMAIN_GROUP_RIDS.map((rid) => `${domainSid}-${rid}`)];
}
