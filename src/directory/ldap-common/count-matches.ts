import type { Client } from 'ldapts';

/** Objects counted at most (a size-limit answer means "at least this many"). */
export const MATCH_COUNT_LIMIT = 10;

/**
 * How many objects under `baseDn` match `filter` (an escaped filter from ldap-filter.ts), up to
 * MATCH_COUNT_LIMIT: 0 not found, 1 unique, more ambiguous. Reads no attributes.
 */
export async function countMatches(client: Client, baseDn: string, filter: string): Promise<number> {
  try {
    const result = await client.search(baseDn, { scope: 'sub', filter, attributes: ['1.1'], sizeLimit: MATCH_COUNT_LIMIT });
    return result.searchEntries.length;
  } catch (error) {
    if ((error as { code?: unknown }).code === 4) return MATCH_COUNT_LIMIT; // sizeLimitExceeded
    throw error;
  }
}
