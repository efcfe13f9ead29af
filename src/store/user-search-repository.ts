import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
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

/** Where a page ends: in the user-name matches (`u`), or in the display-name matches (`d`), at a key. */
type SearchPosition = { phase: 'u'; key: string } | { phase: 'd'; display: string; key: string };

function parsePosition(after: string | undefined): SearchPosition | null {
  if (after === undefined) return null;
  if (after.startsWith('d\u0000')) {
    const [, display = '', key = ''] = after.split('\u0000');
    return { phase: 'd', display, key };
  }
  return { phase: 'u', key: after.startsWith('u\u0000') ? after.slice(2) : after };
}

const listing = (r: { username: string; display_name: string; source: string; enabled: number; is_admin: number }): UserListing => ({
  username: r.username,
  displayName: r.display_name,
  source: r.source,
  enabled: r.enabled === 1,
  isAdmin: r.is_admin === 1,
});

/**
 * The console's user search: a prefix of the user name, then of the display name (case-insensitive), in two
 * phases each read along its own index (`username_key`; `lower(display_name), username_key`: migration 014) and
 * paged by keyset, so a page costs the same wherever it is and however many users match. Each prefix is an index
 * range confirmed by an escaped LIKE: wildcards typed into the search are literal. The cursor is opaque text
 * (`u␀key` or `d␀display␀key`). E-mail addresses are encrypted at rest and cannot be searched in the store.
 */
export class UserSearchRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async search(options: { query: string; after?: string; limit: number }): Promise<{ users: UserListing[]; next: string | null }> {
    const typed = options.query.slice(0, SEARCH_MAX);
    const prefix = usernameKey(typed);
    const displayPrefix = typed.normalize('NFC').trim().toLowerCase();
    const limit = Math.max(1, Math.min(100, options.limit));
    const position = parsePosition(options.after);
    // Every string starting with the prefix sorts below prefix + U+10FFFF (binary order).
    const nameMatch = (eb: ExpressionBuilder<Database, 'users'>) =>
      eb.and([eb('username_key', '>=', prefix), eb('username_key', '<', `${prefix}\u{10FFFF}`), eb('username_key', 'like', sql<string>`${escapeLike(prefix) + '%'} escape '\\'`)]);
    const columns = ['username', 'username_key', 'display_name', 'source', 'enabled', 'is_admin'] as const;
    const users: UserListing[] = [];
    if (position?.phase !== 'd') {
      let query = this.db.selectFrom('users').select(columns).orderBy('username_key').limit(limit + 1);
      if (prefix !== '') query = query.where(nameMatch);
      if (position) query = query.where('username_key', '>', position.key);
      const rows = await query.execute();
      if (rows.length > limit) return { users: rows.slice(0, limit).map(listing), next: `u\u0000${rows[limit - 1]?.username_key ?? ''}` };
      users.push(...rows.map(listing));
      if (prefix === '') return { users, next: null };
    }
    const room = limit - users.length;
    const lowerDisplay = sql<string>`lower(display_name)`;
    let query = this.db
      .selectFrom('users')
      .select([...columns, lowerDisplay.as('display_key')])
      .where((eb) =>
        eb.and([
          eb(lowerDisplay, '>=', displayPrefix),
          eb(lowerDisplay, '<', `${displayPrefix}\u{10FFFF}`),
          eb(lowerDisplay, 'like', sql<string>`${escapeLike(displayPrefix) + '%'} escape '\\'`),
          eb.not(nameMatch(eb)),
        ]),
      )
      .orderBy(lowerDisplay)
      .orderBy('username_key')
      .limit(room + 1);
    if (position?.phase === 'd') {
      const { display, key } = position;
      query = query.where((eb) => eb.or([eb(lowerDisplay, '>', display), eb.and([eb(lowerDisplay, '=', display), eb('username_key', '>', key)])]));
    }
    const rows = await query.execute();
    // A full page of user-name matches: the display-name phase starts on the next page (if it has any match).
    if (room === 0) return { users, next: rows.length > 0 ? 'd\u0000\u0000' : null };
    users.push(...rows.slice(0, room).map(listing));
    const last = rows[room - 1];
    return { users, next: rows.length > room && last ? `d\u0000${last.display_key}\u0000${last.username_key}` : null };
  }
}
