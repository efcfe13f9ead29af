import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError, type Client, type SearchOptions } from 'ldapts';
import { boundTokenSids, WHO_AM_I_OID } from '../../../src/directory/ad/ad-token.js';
import { parseAdConfig } from '../../../src/directory/ad/ad-config.js';

const DOMAIN = 'S-1-5-21-1-2-3';

/** A binary SID (MS-DTYP 2.4.2.2) for a string SID. */
function sidBytes(sid: string): Buffer {
  const [, revision, authority, ...subs] = sid.split('-').map(Number);
  const bytes = Buffer.alloc(8 + 4 * subs.length);
  bytes.writeUInt8(revision ?? 1, 0);
  bytes.writeUInt8(subs.length, 1);
  bytes.writeUIntBE(authority ?? 0, 2, 6);
  subs.forEach((sub, index) => bytes.writeUInt32LE(sub, 8 + 4 * index));
  return bytes;
}

/** A DC as the token read sees it: rootDSE tokenGroups, Who am I?, and the account's entry. */
function fakeDc(options: { whoAmI: string | null; rootGroups: string[]; account: { dn: string; sam: string; sid: string } }) {
  const searches: { base: string; filter: string | undefined }[] = [];
  const client: Pick<Client, 'search' | 'exop'> = {
    exop: async (oid: string) => {
      assert.equal(oid, WHO_AM_I_OID);
      if (options.whoAmI === null) throw new ProtocolError('Extended Operation(1.3.6.1.4.1.4203.1.11.3) not supported');
      return { value: options.whoAmI };
    },
    search: async (base: string, search?: SearchOptions) => {
      const filter = typeof search?.filter === 'string' ? search.filter : undefined;
      searches.push({ base, filter });
      if (base === '') return { searchEntries: [{ dn: '', tokenGroups: options.rootGroups.map(sidBytes) }], searchReferences: [] };
      const own = base === options.account.dn || filter === `(sAMAccountName=${options.account.sam})`;
      return { searchEntries: own ? [{ dn: options.account.dn, objectSid: sidBytes(options.account.sid) }] : [], searchReferences: [] };
    },
  };
  return { client, searches };
}

const base = { url: 'ldaps://dc1.example.test', bindPassword: 'x', baseDn: 'DC=example,DC=test' };
const account = { dn: 'CN=svc,CN=Users,DC=example,DC=test', sam: 'svc', sid: `${DOMAIN}-1104` };

describe('AD: the bound identity\'s token', () => {
  it('Windows: rootDSE tokenGroups lists the groups only; the account SID comes from the Who am I? answer', async () => {
    const dc = fakeDc({ whoAmI: 'u:EXAMPLE\\svc', rootGroups: [`${DOMAIN}-513`, `${DOMAIN}-1200`], account });
    const sids = await boundTokenSids(dc.client, parseAdConfig({ ...base, bindUpn: 'svc@example.test' }), 'DC=example,DC=test');
    assert.deepEqual([...sids].sort(), ['S-1-1-0', 'S-1-5-11', `${DOMAIN}-1104`, `${DOMAIN}-1200`, `${DOMAIN}-513`].sort());
    assert.ok(dc.searches.every((search) => !search.filter?.includes('userPrincipalName')), 'never a search for the UPN string');
  });

  it('Samba: no Who am I?, and rootDSE tokenGroups already carries the account SID', async () => {
    const dc = fakeDc({ whoAmI: null, rootGroups: [`${DOMAIN}-500`, `${DOMAIN}-512`], account });
    const sids = await boundTokenSids(dc.client, parseAdConfig({ ...base, bindUpn: 'Administrator@example.test' }), 'DC=example,DC=test');
    assert.deepEqual([...sids].sort(), ['S-1-1-0', 'S-1-5-11', `${DOMAIN}-500`, `${DOMAIN}-512`].sort());
    assert.deepEqual(dc.searches.map((search) => search.base), ['']);
  });

  it('bindDn: the account entry is read directly, "dn:" answers too', async () => {
    const byDn = fakeDc({ whoAmI: null, rootGroups: [], account });
    assert.ok((await boundTokenSids(byDn.client, parseAdConfig({ ...base, bindDn: account.dn }), 'DC=example,DC=test')).has(account.sid));
    const dnAnswer = fakeDc({ whoAmI: `dn:${account.dn}`, rootGroups: [], account });
    assert.ok((await boundTokenSids(dnAnswer.client, parseAdConfig({ ...base, bindUpn: 'svc@example.test' }), 'DC=example,DC=test')).has(account.sid));
  });
});
