/**
 * Subtree searches with the RFC 2696 Simple Paged Results control, streamed page by page.
 *
 * Pipelining contract: while `onPage` consumes page N, the request for page N+1 is already on the wire (its
 * cookie came with page N), so the server builds the next page while the caller stores this one. At most two
 * pages are held: the one being consumed and the one arriving. A page is never handed over before the previous
 * `onPage` settled, so consumers see pages strictly in order; pages are mapped one at a time, in order too.
 *
 * Memory contract: a page is mapped (`mapPage`) as soon as it has arrived, while the previous one may still be
 * consumed, and its raw entries are dropped then. ldapts' entries cost several times their mapped form (a message
 * object, an attribute object, a buffer and a string per value); kept until their turn, they outlived
 * young-generation collections and were promoted, which was most of a sync's old-generation garbage and peak heap.
 */
import type { Client, Entry } from 'ldapts';
import type { LdapFilter } from '../directory/ldap-common/ldap-filter.js';

/**
 * Page size of the RFC 2696 paged search. Measured on 100,000 slapd entries with a young generation of 2 × 4 MiB
 * (`--max-semi-space-size=4`; deploy/ starts node with 2, with which a sync of 30,000 peaked the same): pages of 500
 * let one page's ldapts objects outlive young-generation collections, so a read of the directory alone peaked at
 * ~195 MB RSS and spent a third of its CPU in the garbage collector; pages of 100 peaked at ~100 MB with a quarter
 * less CPU. A full sync into SQLite (alternating rounds on a loaded 2-core machine) with pages of 50 took ~20% less
 * CPU than with pages of 100 and peaked at ~118 MB RSS instead of ~177 MB (the heap at ~40 MB instead of ~95 MB):
 * fewer of a page's objects are alive at each young-generation collection, so fewer are copied and promoted. Pages
 * of 25 gained nothing more. The round trip per page is hidden by the pipelining above as long as the consumer takes
 * longer over a page than the server's answer takes to arrive.
 */
export const PAGE_SIZE = 50;

export interface PagedSearch {
  baseDn: string;
  filter: LdapFilter;
  attributes: string[];
  binaryAttributes?: string[];
}

/** Runs a subtree search, awaiting `onPage` for each mapped page while the next one is fetched and mapped. */
export async function forEachPage<T>(
  client: Client,
  search: PagedSearch,
  mapPage: (entries: Entry[]) => T[] | Promise<T[]>,
  onPage: (page: T[]) => Promise<void>,
): Promise<void> {
  const pages = client.searchPaginated(search.baseDn, {
    scope: 'sub',
    filter: search.filter,
    attributes: search.attributes,
    explicitBufferAttributes: search.binaryAttributes ?? [],
    paged: { pageSize: PAGE_SIZE },
  });
  const fetchMapped = async (): Promise<T[] | null> => {
    const page = await pages.next();
    return page.done ? null : mapPage(page.value.searchEntries);
  };
  let next = fetchMapped();
  try {
    for (;;) {
      const page = await next;
      if (page === null) return;
      // Ask for the following page before consuming this one (the generator sends it with this page's cookie).
      next = fetchMapped();
      // If onPage throws, the in-flight request's outcome no longer matters; it must not become unhandled.
      next.catch(() => undefined);
      await onPage(page);
    }
  } finally {
    // Not awaited: after a failure the generator may still be waiting for the in-flight page.
    pages.return(undefined).catch(() => undefined);
  }
}
