/**
 * DirectoryReader for OpenLDAP-style directories (RFC 4512 schema, entryUUID anchors).
 *
 * Change tracking: every entry carries modifyTimestamp (RFC 4512 §3.4); incremental reads ask for
 * `(modifyTimestamp>=marker)`. `>=` rather than `>`: modifyTimestamp has one-second resolution, so a change made
 * later within the marker's second would be missed by `>`; re-reading that second is harmless (upserts are
 * idempotent). The marker is the highest modifyTimestamp streamed, or the previous marker when nothing changed.
 * Only what the mapping reads is requested: every attribute returned is decoded for every entry of the directory.
 *
 * Groups: groupOfNames (`member`) and groupOfUniqueNames (`uniqueMember`, RFC 4519 §2.40; an optional `#'…'B`
 * UID suffix is stripped). posixGroup `memberUid` holds login names, not DNs, and is not synced.
 * Deletions are invisible to a timestamp search: only a full run notices them (SyncTarget.disableMissing).
 * slapd caps paged searches at the hard size limit unless the service DN has `olcLimits: … size.prtotal=unlimited`.
 */
import type { Entry } from 'ldapts';
import { and, eq, or, type LdapFilter } from '../ldap-common/ldap-filter.js';
import { openConnection } from '../ldap-common/ldap-pool.js';
import { firstValue, values } from '../ldap-common/ldap-values.js';
import { STATE_ATTRIBUTES, syncedAccountFromEntry, type AccountAttributeMap } from './ldap-account.js';
import type { LdapConfig } from './ldap-config.js';
import type { DirectoryReader } from '../../sync/directory-reader.js';
import { readerConnection } from '../../sync/reader-connection.js';
import { forEachPage } from '../../sync/paged-search.js';
import { greaterOrEqual, laterTimestamp, parseTimestampMarker } from '../../sync/sync-filters.js';
import type { SyncedGroup } from '../../sync/sync-types.js';
import { effectivePolicyDn, FACT_ATTRIBUTES, PolicyMaxAges } from './ldap-password-facts.js';

const CHANGE_ATTRIBUTES = ['entryUUID', 'modifyTimestamp'];
const GROUP_ATTRIBUTES = ['cn', 'member', 'uniqueMember', ...CHANGE_ATTRIBUTES];
/** Marker of a full read over an empty subtree: earlier than any entry. */
const EPOCH_MARKER = '19700101000000Z';

export function ldapDirectoryReader(config: LdapConfig): DirectoryReader {
  const map: AccountAttributeMap = { ...config.attributes, login: config.loginAttribute };
  const userAttributes = [...new Set([...Object.values(map), ...STATE_ATTRIBUTES, ...CHANGE_ATTRIBUTES, ...FACT_ATTRIBUTES])];
  const service = readerConnection(() => openConnection(config), config.bindDn, config.bindPassword);

  return {
    async readChanges(since, onAccounts, onGroups) {
      const changedSince = since === null ? null : greaterOrEqual('modifyTimestamp', parseTimestampMarker(since));
      const scoped = (filter: LdapFilter): LdapFilter => (changedSince ? and(filter, changedSince) : filter);
      const connection = await service.get();
      const policies = new PolicyMaxAges(() => service.get());
      let highest: string | null = null;
      const track = (entry: Entry): void => void (highest = laterTimestamp(highest, firstValue(entry, 'modifyTimestamp')));

      await forEachPage(
        connection,
        { baseDn: config.baseDn, filter: scoped(eq('objectClass', config.userObjectClass)), attributes: userAttributes },
        async (entries) => {
          entries.forEach(track);
          const policyDns = entries.map((entry) => effectivePolicyDn(entry, config.passwordPolicyDn));
          await policies.resolve(policyDns.filter((dn): dn is string => dn !== null));
          return entries.map((entry, i) => syncedAccountFromEntry(entry, map, policies.maxAge(policyDns[i] ?? null)));
        },
        async (accounts) => onAccounts(accounts),
      );
      await forEachPage(
        connection,
        {
          baseDn: config.baseDn,
          filter: scoped(or(eq('objectClass', 'groupOfNames'), eq('objectClass', 'groupOfUniqueNames'))),
          attributes: GROUP_ATTRIBUTES,
        },
        (entries) => {
          entries.forEach(track);
          return entries.map(toSyncedGroup);
        },
        async (groups) => onGroups(groups),
      );
      return { marker: highest ?? since ?? EPOCH_MARKER };
    },
    close: () => service.close(),
  };
}

/** uniqueMember is NameAndOptionalUID (RFC 4517 §3.3.21): `dn#'0101'B`; the DN part is what resolves. */
function withoutOptionalUid(value: string): string {
  return value.replace(/#'[01]*'B$/, '');
}

function toSyncedGroup(entry: Entry): SyncedGroup {
  return {
    anchor: (firstValue(entry, 'entryUUID') ?? '').toLowerCase(),
    dn: entry.dn,
    name: firstValue(entry, 'cn') ?? '',
    memberDns: [...values(entry, 'member'), ...values(entry, 'uniqueMember').map(withoutOptionalUid)],
  };
}
