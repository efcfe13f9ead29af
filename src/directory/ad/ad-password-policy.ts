import type { Client } from 'ldapts';
import type { DirectoryPasswordPolicy } from '../onprem/onprem-directory.js';
import { EntryReader } from './ad-entry.js';
import { intervalToSeconds, integerOr } from './ad-values.js';

/** pwdProperties bit DOMAIN_PASSWORD_COMPLEX (MS-ADTS 3.1.1.4.5.22 / MS-SAMR 2.2.1.8). */
const DOMAIN_PASSWORD_COMPLEX = 0x1;

/**
 * The policy that applies to one account: its fine-grained Password Settings Object when msDS-ResultantPSO
 * names one and the service account may read it (by default only Domain Admins can: MS-ADTS 3.1.1.4.5.36),
 * otherwise the domain policy on the domain NC head (minPwdLength, pwdProperties, pwdHistoryLength,
 * minPwdAge, lockoutThreshold).
 */
export async function readPolicy(client: Client, accountDn: string, domainDn: string): Promise<DirectoryPasswordPolicy> {
  const psoDn = await readAttribute(client, accountDn, 'msDS-ResultantPSO');
  if (psoDn !== undefined) {
    const pso = await readPso(client, psoDn);
    if (pso !== null) return pso;
  }
  return readDomainPolicy(client, domainDn);
}

async function readAttribute(client: Client, dn: string, name: string): Promise<string | undefined> {
  const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [name] });
  const entry = searchEntries[0];
  return entry === undefined ? undefined : new EntryReader(entry).string(name);
}

async function readPso(client: Client, psoDn: string): Promise<DirectoryPasswordPolicy | null> {
  const attributes = [
    'msDS-MinimumPasswordLength',
    'msDS-PasswordComplexityEnabled',
    'msDS-PasswordHistoryLength',
    'msDS-MinimumPasswordAge',
    'msDS-LockoutThreshold',
  ];
  try {
    const { searchEntries } = await client.search(psoDn, { scope: 'base', filter: '(objectClass=*)', attributes });
    const raw = searchEntries[0];
    if (raw === undefined) return null;
    const entry = new EntryReader(raw);
    if (entry.string('msDS-MinimumPasswordLength') === undefined) return null; // not readable with our rights
    return {
      minLength: integerOr(entry.string('msDS-MinimumPasswordLength'), 0),
      complexity: entry.string('msDS-PasswordComplexityEnabled')?.toUpperCase() === 'TRUE',
      historyLength: integerOr(entry.string('msDS-PasswordHistoryLength'), 0),
      minAgeSeconds: intervalToSeconds(entry.string('msDS-MinimumPasswordAge')),
      lockoutThreshold: integerOr(entry.string('msDS-LockoutThreshold'), 0),
    };
  } catch {
    return null; // PSO unreadable: fall back to the domain policy (which the DC may not be applying)
  }
}

async function readDomainPolicy(client: Client, domainDn: string): Promise<DirectoryPasswordPolicy> {
  const { searchEntries } = await client.search(domainDn, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['minPwdLength', 'pwdProperties', 'pwdHistoryLength', 'minPwdAge', 'lockoutThreshold'],
  });
  const entry = new EntryReader(searchEntries[0] ?? { dn: domainDn });
  return {
    minLength: integerOr(entry.string('minPwdLength'), 0),
    complexity: (integerOr(entry.string('pwdProperties'), 0) & DOMAIN_PASSWORD_COMPLEX) !== 0,
    historyLength: integerOr(entry.string('pwdHistoryLength'), 0),
    minAgeSeconds: intervalToSeconds(entry.string('minPwdAge')),
    lockoutThreshold: integerOr(entry.string('lockoutThreshold'), 0),
  };
}
