import { Sha256Hmac } from '../crypto/sha256-hmac.js';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { PreparedQuery } from './prepared-query.js';
import type { WriteBatch } from './write-batch.js';

/** Per number of scopes (1–4, what sign-ins and resets ask), the statements of every sign-in (prepared-query.ts). */
const PREPARED_SCOPES = 4;
/** Per number of scopes up to 16, the clearing statements: a reset clears a user name's whole set (5 + one per method type). */
const PREPARED_CLEARED_SCOPES = 16;
const perCount = <R>(build: (count: number) => PreparedQuery<R>, most = PREPARED_SCOPES) => Array.from({ length: most + 1 }, (_, count) => build(count));
const slots = (count: number, $: <T>(index: number) => T, from = 0) => Array.from({ length: count }, (_, index) => $<string>(from + index));
const activeBlocksOf = perCount((count) => new PreparedQuery((db, $) =>
  db.selectFrom('throttle_blocks').select(['until', 'reason']).where('scope', 'in', slots(count, $, 1)).where('until', '>', $<number>(0)).orderBy('until', 'desc')));
/**
 * A sign-in's guard in one statement: the active blocks of two scopes, and one row with `until` 0 when a third
 * scope has counted events (blocks always end after `now` > 0, so the marker row cannot be taken for a block).
 */
const guardOf = new PreparedQuery((db, $) =>
  db.selectFrom('throttle_blocks').select(['until', 'reason']).where('scope', 'in', slots(2, $, 1)).where('until', '>', $<number>(0))
    .unionAll(db.selectFrom((eb) => eb.selectFrom('throttle_events').select('at').where('scope', '=', $<string>(3)).limit(1).as('counted'))
      .select([sql<number>`0`.as('until'), sql<string>`'counted'`.as('reason')])));
const recordEvent = new PreparedQuery((db, $) => db.insertInto('throttle_events').values({ scope: $<string>(0), at: $<number>(1) }));
const countEvents = new PreparedQuery((db, $) =>
  db.selectFrom('throttle_events').select((eb) => eb.fn.countAll<number | string>().as('n')).where('scope', '=', $<string>(0)).where('at', '>', $<number>(1)));
const clearEventsOf = perCount((count) => new PreparedQuery((db, $) => db.deleteFrom('throttle_events').where('scope', 'in', slots(count, $))), PREPARED_CLEARED_SCOPES);
const clearBlocksOf = perCount((count) => new PreparedQuery((db, $) => db.deleteFrom('throttle_blocks').where('scope', 'in', slots(count, $))), PREPARED_CLEARED_SCOPES);

/** Scope hashes remembered at most (a sign-in and the change after it hash the same scopes). */
const HASHES_KEPT = 4096;

/**
 * Counted events and active blocks per scope ("user:alice:failed-proof", …). Scopes are stored as keyed
 * hashes (HMAC-SHA256 under the throttle key), never in clear: a scope carries whatever was typed as a user
 * name, which is often an e-mail address. Callers keep using clear scopes; only this class sees the hashes.
 */
export class ThrottleRepository {
  private readonly hashes = new Map<string, string>();

  private readonly scopeMac: Sha256Hmac;

  constructor(
    private readonly db: Kysely<Database>,
    scopeKey: Buffer,
  ) {
    this.scopeMac = new Sha256Hmac(scopeKey);
  }

  /** The stored form of a scope: its keyed hash (the one place scopes are hashed). */
  private hashOf(scope: string): string {
    return `h:${this.scopeMac.digest(scope).toString('base64url')}`;
  }

  /** `hashOf`, remembered for the scopes of recent sign-ins and resets. */
  private stored(scope: string): string {
    let hash = this.hashes.get(scope);
    if (hash === undefined) {
      hash = this.hashOf(scope);
      if (this.hashes.size >= HASHES_KEPT) this.hashes.delete(this.hashes.keys().next().value as string);
      this.hashes.set(scope, hash);
    }
    return hash;
  }

  async record(scope: string, at: number): Promise<void> {
    await recordEvent.execute(this.db, this.stored(scope), at);
  }

  async countSince(scope: string, since: number): Promise<number> {
    const row = await countEvents.first(this.db, this.stored(scope), since);
    return Number(row?.n ?? 0);
  }

  /**
   * Blocks `scope` until `until`. With `usernameKey` the block stops that user name's resets: the account holding
   * the name now, if any, is linked to it (`user_id`), so blocked accounts can be counted without a name in clear.
   */
  async block(scope: string, until: number, reason: string, usernameKey?: string): Promise<void> {
    const stored = this.stored(scope);
    await this.db
      .insertInto('throttle_blocks')
      .values((eb) => ({
        scope: stored,
        until,
        reason,
        user_id: usernameKey === undefined ? null : eb.selectFrom('users').select('id').where('username_key', '=', usernameKey),
      }))
      .onConflict((oc) => oc.column('scope').doUpdateSet((eb) => ({ until, reason, user_id: eb.ref('excluded.user_id') })))
      .execute();
  }

  /**
   * Takes the one slot of `scope` until `until` when it is free (never taken, or run out by `now`): one atomic
   * upsert, so of concurrent takers exactly one wins. True for the winner.
   */
  async takeSlot(scope: string, now: number, until: number): Promise<boolean> {
    const result = await this.db
      .insertInto('throttle_blocks')
      .values({ scope: this.stored(scope), until, reason: 'slot' })
      .onConflict((oc) => oc.column('scope').doUpdateSet({ until, reason: 'slot' }).where('throttle_blocks.until', '<=', now))
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Active blocks among these scopes (the latest-ending first). */
  async activeBlocks(scopes: string[], now: number): Promise<Array<{ until: number; reason: string }>> {
    if (scopes.length === 0) return [];
    const stored = scopes.map((scope) => this.stored(scope));
    const prepared = activeBlocksOf[stored.length];
    const rows = prepared
      ? (await prepared.execute(this.db, now, ...stored)).rows
      : await this.db.selectFrom('throttle_blocks').select(['until', 'reason']).where('scope', 'in', stored).where('until', '>', now).orderBy('until', 'desc').execute();
    return rows.map((row) => ({ until: Number(row.until), reason: row.reason }));
  }

  /**
   * The active blocks of `blockScopes` (the latest-ending first) and whether `eventScope` has counted events,
   * in one statement: what a sign-in asks before it tries a password, and after a success, whether anything
   * is left to clear.
   */
  async guard(blockScopes: readonly [string, string], eventScope: string, now: number): Promise<{ blocks: Array<{ until: number; reason: string }>; counted: boolean }> {
    const { rows } = await guardOf.execute(this.db, now, this.stored(blockScopes[0]), this.stored(blockScopes[1]), this.stored(eventScope));
    const blocks = rows.filter((row) => Number(row.until) > 0).map((row) => ({ until: Number(row.until), reason: row.reason }));
    return { blocks: blocks.sort((a, b) => b.until - a.until), counted: blocks.length < rows.length };
  }

  /** Forgets the counted events of these scopes (their blocks stay). */
  async clearEvents(scopes: string[], batch?: WriteBatch): Promise<void> {
    if (scopes.length === 0) return;
    const stored = scopes.map((scope) => this.stored(scope));
    const events = clearEventsOf[stored.length];
    const run = async (runner: Kysely<Database>) => {
      if (events) await events.executeIn(runner, this.db, stored);
      else await runner.deleteFrom('throttle_events').where('scope', 'in', stored).execute();
    };
    if (batch) void batch.add(run);
    else await run(this.db);
  }

  /**
   * Active blocks of many scopes at once, by clear scope (for runs over every account; one query, and the
   * hashes are not remembered, so a run does not push the sign-ins' hashes out).
   */
  async activeBlocksByScope(scopes: readonly string[], now: number): Promise<Map<string, { until: number; reason: string }>> {
    const found = new Map<string, { until: number; reason: string }>();
    if (scopes.length === 0) return found;
    const clear = new Map(scopes.map((scope) => [this.hashOf(scope), scope]));
    const rows = await this.db.selectFrom('throttle_blocks').select(['scope', 'until', 'reason']).where('scope', 'in', [...clear.keys()]).where('until', '>', now).execute();
    for (const row of rows) {
      const scope = clear.get(row.scope);
      if (scope !== undefined) found.set(scope, { until: Number(row.until), reason: row.reason });
    }
    return found;
  }

  /**
   * The latest-ending active block with one of `reasons` linked to the account `userId` (`block` with a user name
   * key links the account holding the name), or null: blocks whose scopes the store cannot list, such as a
   * sign-in block of one client on the name.
   */
  async accountBlock(userId: string, reasons: readonly string[], now: number): Promise<{ until: number; reason: string } | null> {
    if (reasons.length === 0) return null;
    const row = await this.db.selectFrom('throttle_blocks').select(['until', 'reason']).where('user_id', '=', userId).where('reason', 'in', reasons).where('until', '>', now).orderBy('until', 'desc').limit(1).executeTakeFirst();
    return row ? { until: Number(row.until), reason: row.reason } : null;
  }

  /** Forgets the blocks with one of `reasons` linked to the account `userId` (an administrator's unblock). */
  async clearAccountBlocks(userId: string, reasons: readonly string[]): Promise<void> {
    if (reasons.length === 0) return;
    await this.db.deleteFrom('throttle_blocks').where('user_id', '=', userId).where('reason', 'in', reasons).execute();
  }

  /** Forgets events and blocks of these scopes (after a successful reset, or an admin unblock). */
  async clear(scopes: string[], batch?: WriteBatch): Promise<void> {
    if (scopes.length === 0) return;
    const stored = scopes.map((scope) => this.stored(scope));
    const events = clearEventsOf[stored.length];
    const blocks = clearBlocksOf[stored.length];
    const run = async (runner: Kysely<Database>) => {
      if (events && blocks) {
        await events.executeIn(runner, this.db, stored);
        await blocks.executeIn(runner, this.db, stored);
        return;
      }
      await runner.deleteFrom('throttle_events').where('scope', 'in', stored).execute();
      await runner.deleteFrom('throttle_blocks').where('scope', 'in', stored).execute();
    };
    if (batch) void batch.add(run);
    else await run(this.db);
  }

  /** Housekeeping: forgets events older than `eventsBefore` and blocks that ended before `now`. */
  async purge(now: number, eventsBefore: number): Promise<void> {
    await this.db.deleteFrom('throttle_events').where('at', '<', eventsBefore).execute();
    await this.db.deleteFrom('throttle_blocks').where('until', '<', now).execute();
  }
}
