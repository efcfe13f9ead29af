import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The custom banned-term list; terms are stored lower-cased and NFC, each once. */
export class BannedTermsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<string[]> {
    return (await this.db.selectFrom('banned_terms').select('term').orderBy('term').execute()).map((r) => r.term);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('banned_terms').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Adds the terms not yet present; returns those actually added. */
  async add(terms: string[], now: number): Promise<string[]> {
    const existing = new Set(await this.list());
    const fresh = [...new Set(terms)].filter((term) => !existing.has(term));
    if (fresh.length > 0) await this.db.insertInto('banned_terms').values(fresh.map((term) => ({ term, created_at: now }))).execute();
    return fresh;
  }

  /** Removes the terms; returns those that were present. */
  async remove(terms: string[]): Promise<string[]> {
    const existing = new Set(await this.list());
    const present = terms.filter((term) => existing.has(term));
    if (present.length > 0) await this.db.deleteFrom('banned_terms').where('term', 'in', present).execute();
    return present;
  }
}
