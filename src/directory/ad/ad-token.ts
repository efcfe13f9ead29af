import { ProtocolError, type Client, type Entry } from 'ldapts';
import type { AdConfig } from './ad-config.js';
import { EntryReader } from './ad-entry.js';
import { eq } from '../ldap-common/ldap-filter.js';
import { IMPLICIT_TOKEN_SIDS, sidsOf } from './ad-security-descriptor.js';

/** What the token read needs of a bound client. */
type TokenClient = Pick<Client, 'search' | 'exop'>;

/** RFC 4532 "Who am I?" extended operation. */
export const WHO_AM_I_OID = '1.3.6.1.4.1.4203.1.11.3';

/**
 * The SIDs of the token the DC evaluates for `client`'s bind — the bound identity itself, never a search for the
 * configured bind name (an account bound by its implicit UPN, like the built-in Administrator, has no
 * userPrincipalName attribute to find):
 * - rootDSE `tokenGroups`, the requester's own token (MS-ADTS 3.1.1.3.2, rootDSE attributes); whether it carries
 *   the account's own SID differs between DCs (Samba's does), so that SID is read as well:
 * - the account's objectSid and tokenGroups: from `bindDn`, else from the DC's answer to "Who am I?" (RFC 4532;
 *   AD answers `u:DOMAIN\name`, a `dn:` answer is read directly). Without the operation (Samba answers
 *   protocolError) the rootDSE read stands alone;
 * - the well-known SIDs every authenticated token carries.
 */
export async function boundTokenSids(client: TokenClient, config: AdConfig, defaultNamingContext: string): Promise<Set<string>> {
  const sids = new Set<string>(IMPLICIT_TOKEN_SIDS);
  const rootDse = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['tokenGroups'], explicitBufferAttributes: ['tokenGroups'] });
  for (const sid of sidsOf(new EntryReader(rootDse.searchEntries[0] ?? { dn: '' }).buffers('tokenGroups'))) sids.add(sid);
  const own = await ownEntry(client, config, defaultNamingContext);
  if (own) for (const sid of sidsOf([...own.buffers('objectSid'), ...own.buffers('tokenGroups')])) sids.add(sid);
  return sids;
}

async function ownEntry(client: TokenClient, config: AdConfig, defaultNamingContext: string): Promise<EntryReader | null> {
  const read = { attributes: ['objectSid', 'tokenGroups'], explicitBufferAttributes: ['objectSid', 'tokenGroups'] };
  const first = (entries: Entry[]) => (entries[0] ? new EntryReader(entries[0]) : null);
  const base = async (dn: string) => first((await client.search(dn, { scope: 'base', filter: '(objectClass=*)', ...read })).searchEntries);
  if (config.bindDn !== undefined) return base(config.bindDn);
  const identity = await whoAmI(client);
  if (identity?.startsWith('dn:')) return base(identity.slice(3));
  const account = identity === null ? undefined : /^u:[^\\]*\\(.+)$/s.exec(identity)?.[1];
  if (account === undefined) return null;
  const filter = eq('sAMAccountName', account);
  return first((await client.search(defaultNamingContext, { scope: 'sub', filter, sizeLimit: 1, ...read })).searchEntries);
}

/** The authorization identity of the bind (RFC 4532 §2.2); null when the DC does not offer the operation (protocolError, Samba). */
async function whoAmI(client: TokenClient): Promise<string | null> {
  try {
    const { value } = await client.exop(WHO_AM_I_OID);
    return value ?? null;
  } catch (error) {
    if (error instanceof ProtocolError) return null;
    throw error;
  }
}
