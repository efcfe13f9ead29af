/**
 * DirectoryReader for Active Directory (objectGUID anchors, USN change tracking).
 *
 * Change tracking without DirSync (MS-ADTS 3.1.1.1.9, "Polling for changes using uSNChanged"): before each read
 * the rootDSE's highestCommittedUSN is taken as the high-water mark; incremental reads ask for
 * `(uSNChanged>=marker+1)`. Anything committed while the read runs has a USN above that mark and is read again
 * next time, never skipped. USNs are per DC: a marker is only meaningful against the DC that issued it.
 *
 * Groups: `member` holds users and nested groups. Large values come back in ranges
 * (`member;range=0-1499`, MS-ADTS 3.1.1.3.1.3.3) and are fetched range by range. Membership through
 * primaryGroupID (e.g. Domain Users) is not in `member` and is not synced. Deletions (tombstones) do not match
 * the search: only a full run notices them (SyncTarget.disableMissing).
 */
import type { Client, Entry } from 'ldapts';
import { accountAttributes, binaryAttributes, toAccount } from './ad-account.js';
import type { AdConfig } from './ad-config.js';
import { serviceBindName } from './ad-config.js';
import { openAdConnection } from './ad-connection.js';
import { EntryReader } from './ad-entry.js';
import { guidToUuid } from './ad-values.js';
import { and, eq, present, type LdapFilter } from '../ldap-common/ldap-filter.js';
import type { DirectoryReader } from '../../sync/directory-reader.js';
import { readerConnection } from '../../sync/reader-connection.js';
import { forEachPage } from '../../sync/paged-search.js';
import { greaterOrEqual, parseUsnMarker } from '../../sync/sync-filters.js';
import { syncedAccountFrom, type SyncedAccount, type SyncedGroup } from '../../sync/sync-types.js';
import { adPasswordFacts, AdMaxAges, FACT_ATTRIBUTES } from './ad-password-facts.js';

const NO_PROTECTED_GROUPS: ReadonlySet<string> = new Set();

export function adDirectoryReader(config: AdConfig): DirectoryReader {
  const userAttributes = [...new Set([...accountAttributes(config), 'uSNChanged', 'mail', 'mobile', 'givenName', 'sn', 'displayName', ...FACT_ATTRIBUTES])];
  const groupAttributes = ['cn', 'member', 'objectGUID', 'uSNChanged'];
  const service = readerConnection(() => openAdConnection(config), serviceBindName(config), config.bindPassword);

  return {
    async readChanges(since, onAccounts, onGroups) {
      const changedSince = since === null ? null : greaterOrEqual('uSNChanged', String(parseUsnMarker(since) + 1n));
      const scoped = (filter: LdapFilter): LdapFilter => (changedSince ? and(filter, changedSince) : filter);
      const connection = await service.get();
      const highWaterMark = await highestCommittedUsn(connection);
      const maxAges = new AdMaxAges(() => service.get());

      await forEachPage(
        connection,
        {
          baseDn: config.baseDn,
          filter: scoped(and(eq('objectCategory', 'person'), eq('objectClass', 'user'))),
          attributes: userAttributes,
          binaryAttributes: binaryAttributes(config),
        },
        async (entries) => {
          const readers = entries.map((entry) => new EntryReader(entry));
          await maxAges.resolve(readers);
          return readers.map((reader) => toSyncedAccount(reader, config, maxAges));
        },
        async (accounts) => onAccounts(accounts),
      );
      await forEachPage(
        connection,
        { baseDn: config.baseDn, filter: scoped(eq('objectClass', 'group')), attributes: groupAttributes, binaryAttributes: ['objectGUID'] },
        async (entries) => {
          const groups: SyncedGroup[] = [];
          // Range retrieval runs on the same connection as the paged search (LDAP multiplexes by message id).
          for (const entry of entries) groups.push(await toSyncedGroup(connection, entry));
          return groups;
        },
        async (groups) => onGroups(groups),
      );
      return { marker: String(highWaterMark) };
    },
    close: () => service.close(),
  };
}

/** rootDSE highestCommittedUSN (MS-ADTS 3.1.1.3.2.13). */
async function highestCommittedUsn(client: Client): Promise<bigint> {
  const { searchEntries } = await client.search('', { scope: 'base', filter: present('objectClass'), attributes: ['highestCommittedUSN'] });
  const value = searchEntries[0] ? new EntryReader(searchEntries[0]).string('highestCommittedUSN') : undefined;
  if (value === undefined || !/^\d+$/.test(value)) throw new Error('the DC did not return highestCommittedUSN in its rootDSE');
  return BigInt(value);
}

function toSyncedAccount(entry: EntryReader, config: AdConfig, maxAges: AdMaxAges): SyncedAccount {
  return { ...syncedAccountFrom(toAccount(entry, config, NO_PROTECTED_GROUPS)), ...adPasswordFacts(entry, (pso) => maxAges.maxAge(pso)) };
}

async function toSyncedGroup(client: Client, entry: Entry): Promise<SyncedGroup> {
  const reader = new EntryReader(entry);
  const guid = reader.buffer('objectGUID');
  return {
    anchor: guid?.length === 16 ? guidToUuid(guid) : '',
    dn: entry.dn,
    name: reader.string('cn') ?? '',
    memberDns: await allMembers(client, entry),
  };
}

/** `member`, following range retrieval when the DC returned `member;range=LOW-HIGH` instead of all values. */
async function allMembers(client: Client, entry: Entry): Promise<string[]> {
  let reader = new EntryReader(entry);
  const members = reader.strings('member');
  for (;;) {
    const ranged = Object.keys(reader.entry).find((name) => /^member;range=\d+-(\d+|\*)$/i.test(name));
    if (ranged === undefined) return members;
    members.push(...reader.strings(ranged));
    const high = /-(\d+|\*)$/.exec(ranged)?.[1];
    if (high === undefined || high === '*') return members;
    const next = `member;range=${Number(high) + 1}-*`;
    const { searchEntries } = await client.search(entry.dn, { scope: 'base', filter: present('objectClass'), attributes: [next] });
    if (!searchEntries[0]) return members;
    reader = new EntryReader(searchEntries[0]);
  }
}
