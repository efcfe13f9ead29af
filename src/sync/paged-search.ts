/**
 * Subtree searches with the RFC 2696 Simple Paged Results control, streamed: each entry is handed to `onEntry`
 * and awaited, and the next page is requested only after the current one was consumed, so at most one page of
 * entries is held in memory.
 */
import type { Client, Entry } from 'ldapts';
import type { LdapFilter } from '../directory/ldap-common/ldap-filter.js';

/** Page size of the RFC 2696 paged search. */
export const PAGE_SIZE = 500;

export interface PagedSearch {
  baseDn: string;
  filter: LdapFilter;
  attributes: string[];
  binaryAttributes?: string[];
}

/** Runs a subtree search page by page, awaiting `onEntry` for every entry before the next page is requested. */
export async function forEachEntry(client: Client, search: PagedSearch, onEntry: (entry: Entry) => Promise<void>): Promise<void> {
  const pages = client.searchPaginated(search.baseDn, {
    scope: 'sub',
    filter: search.filter,
    attributes: search.attributes,
    explicitBufferAttributes: search.binaryAttributes ?? [],
    paged: { pageSize: PAGE_SIZE },
  });
  for await (const page of pages) {
    for (const entry of page.searchEntries) await onEntry(entry);
  }
}

