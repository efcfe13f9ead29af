import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { usernameKey } from './users-repository.js';

/** One row of the console's user list: what the list shows, nothing decrypted. */
export interface UserListing {
  username: string;
  displayName: string;
  source: string;
  enabled: boolean;
  isAdmin: boolean;
}

/** The longest search text honoured; longer input is cut (a prefix search needs no more). */
export const SEARCH_MAX = 64;

/** `%`, `_` and the escape character itself are literal in a LIKE pattern after this (escape character `\`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The console's user search: a prefix of the user name or of the display name (case-insensitive), ordered by the
 * user name key and paged by keyset (`username_key > after`), so every page costs the same. The prefix is a range
 * on an index (`username_key`, `lower(display_name)`: migration 014) confirmed by an escaped LIKE: wildcards typed
 * into the search are literal. E-mail addresses are encrypted at rest and cannot be searched in the store.
 */
export class UserSearchRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async search(options: { query: string; after?: string; limit: number }): Promise<{ users: UserListing[]; next: string | null }> {
    const prefix = usernameKey(options.query.slice(0, SEARCH_MAX));
    const displayPrefix = options.query.slice(0, SEARCH_MAX).normalize('NFC').trim().toLowerCase();
    const limit = Math.max(1, Math.min(100, options.limit));
    let query = this.db
      .selectFrom('users')
      .select(['username', 'username_key', 'display_name', 'source', 'enabled', 'is_admin'])
      .orderBy('username_key')
      .limit(limit + 1);
    if (options.after !== undefined) query = query.where('username_key', '>', options.after);
    if (prefix !== '') {
      // The upper bound: every string starting with the prefix sorts below prefix + U+10FFFF (binary order).
      const end = `${prefix}\u{10FFFF}`;
      const displayEnd = `${displayPrefix}\u{10FFFF}`;
      const lowerDisplay = sql<string>`lower(display_name)`;
      query = query.where((eb) =>
        eb.or([
          eb.and([eb('username_key', '>=', prefix), eb('username_key', '<', end), eb('username_key', 'like', sql<string>`${escapeLike(prefix) + '%'} escape '\\'`)]),
          eb.and([eb(lowerDisplay, '>=', displayPrefix), eb(lowerDisplay, '<', displayEnd), eb(lowerDisplay, 'like', sql<string>`${escapeLike(displayPrefix) + '%'} escape '\\'`)]),
        ]),
      );
    }
    const rows = await query.execute();
    const page = rows.slice(0, limit);
    return {
      users: page.map((r) => ({ username: r.username, displayName: r.display_name, source: r.source, enabled: r.enabled === 1, isAdmin: r.is_admin === 1 })),
      next: rows.length > limit ? (page.at(-1)?.username_key ?? null) : null,
    };
  }
}
