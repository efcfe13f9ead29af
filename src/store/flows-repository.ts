import type { Kysely, Selectable } from 'kysely';
import type { Database, ResetFlowsTable } from './schema.js';
import { PreparedQuery } from './prepared-query.js';

/** The open flows of a user (all, or all but one): read after every password write (prepared-query.ts). */
const openFlowsOf = {
  all: new PreparedQuery((db, $) => db.selectFrom('reset_flows').select('id_digest').where('user_id', '=', $<string>(0)).where('state', 'in', ['started', 'verified'])),
  allBut: new PreparedQuery((db, $) =>
    db.selectFrom('reset_flows').select('id_digest').where('user_id', '=', $<string>(0)).where('state', 'in', ['started', 'verified']).where('id_digest', '!=', $<string>(1))),
};

/** One method a flow offers; `Type` and `Hint` are the caller's method types and hint shape (`methods/records.ts`). */
export interface OfferedMethod<Type extends string = string, Hint = unknown> {
  /** Random per flow, so ids never link flows or reveal registrations. */
  id: string;
  type: Type;
  /** What the page shows for it, as the caller stores it (methods/hints.ts: a key and params, or a masked text). */
  hint: Hint;
  /** Registration id, "contact:email"/"contact:mobile", or a decoy's reference ("decoy…", reset-flow.ts); never sent to clients. */
  ref: string;
}

export interface FlowRecord<Type extends string = string, Hint = unknown> {
  digest: string;
  userId: string | null;
  username: string;
  state: ResetFlowsTable['state'];
  methods: OfferedMethod<Type, Hint>[];
  verified: string[];
  required: number;
  sends: number;
  expiresAt: number;
}

export interface CodeRecord {
  id: number;
  codeHash: string;
  attempts: number;
  expiresAt: number;
  consumedAt: number | null;
}

function toFlow<Type extends string, Hint>(row: Selectable<ResetFlowsTable>): FlowRecord<Type, Hint> {
  return {
    digest: row.id_digest,
    userId: row.user_id,
    username: row.username,
    state: row.state,
    methods: JSON.parse(row.methods) as OfferedMethod<Type, Hint>[],
    verified: JSON.parse(row.verified) as string[],
    required: row.required,
    sends: row.sends,
    expiresAt: row.expires_at,
  };
}

/**
 * Reset flows and their one-time codes. State changes are conditional updates ("compare and set"), so two
 * concurrent requests for the same flow or code can never both win, on SQLite and PostgreSQL alike.
 */
export class FlowsRepository<Type extends string = string, Hint = unknown> {
  constructor(private readonly db: Kysely<Database>) {}

  async create(flow: Omit<FlowRecord<Type, Hint>, 'verified' | 'sends' | 'state'>, now: number): Promise<void> {
    await this.db
      .insertInto('reset_flows')
      .values({
        id_digest: flow.digest,
        user_id: flow.userId,
        username: flow.username,
        state: 'started',
        methods: JSON.stringify(flow.methods),
        verified: '[]',
        required: flow.required,
        sends: 0,
        created_at: now,
        expires_at: flow.expiresAt,
      })
      .execute();
  }

  /** The live flow with this digest, or null when unknown or expired. */
  async findLive(digest: string, now: number): Promise<FlowRecord<Type, Hint> | null> {
    const row = await this.db
      .selectFrom('reset_flows')
      .selectAll()
      .where('id_digest', '=', digest)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row ? toFlow(row) : null;
  }

  /** Counts one more sent code if the flow is still under `limit`; false when the limit is reached. */
  async takeSend(digest: string, limit: number): Promise<boolean> {
    const result = await this.db
      .updateTable('reset_flows')
      .set((eb) => ({ sends: eb('sends', '+', 1) }))
      .where('id_digest', '=', digest)
      .where('sends', '<', limit)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async markVerified(digest: string, verified: string[], complete: boolean): Promise<void> {
    await this.db
      .updateTable('reset_flows')
      .set({ verified: JSON.stringify(verified), ...(complete ? { state: 'verified' as const } : {}) })
      .where('id_digest', '=', digest)
      .where('state', '=', 'started')
      .execute();
  }

  /**
   * Claims a verified flow for setting the password (→ `completing`, stamped `now`); also takes over a claim older
   * than `leaseMs`, whose request died before the flow completed. Returns the claim stamp, or null when another
   * live request holds the flow or it is not verified.
   */
  async claim(digest: string, now: number, leaseMs: number): Promise<number | null> {
    const result = await this.db
      .updateTable('reset_flows')
      .set({ state: 'completing', claimed_at: now })
      .where('id_digest', '=', digest)
      .where((eb) => eb.or([eb('state', '=', 'verified'), eb.and([eb('state', '=', 'completing'), eb('claimed_at', '<=', now - leaseMs)])]))
      .executeTakeFirst();
    return result.numUpdatedRows === 1n ? now : null;
  }

  /** Gives a claimed flow back (`completing` → `verified`) after a failed write; no-op when the claim was taken over. */
  async releaseClaim(digest: string, claimedAt: number): Promise<void> {
    await this.db
      .updateTable('reset_flows')
      .set({ state: 'verified', claimed_at: null })
      .where('id_digest', '=', digest)
      .where('state', '=', 'completing')
      .where('claimed_at', '=', claimedAt)
      .execute();
  }

  /** Completes a claimed flow and removes its codes, in one transaction; false when the claim was taken over. */
  async completeClaimed(digest: string, claimedAt: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('reset_flows')
        .set({ state: 'completed' })
        .where('id_digest', '=', digest)
        .where('state', '=', 'completing')
        .where('claimed_at', '=', claimedAt)
        .executeTakeFirst();
      await trx.deleteFrom('reset_codes').where('flow_digest', '=', digest).execute();
      return result.numUpdatedRows === 1n;
    });
  }

  /**
   * Ends every open (started or verified) flow of this user except `except`, and voids their codes: after a
   * password was set, an earlier flow or a code sent before must not work any more.
   */
  async endOpenFlowsOfUser(userId: string, except: string | null): Promise<void> {
    // Mostly there is none: one read, and a write transaction only for flows found (read again inside it).
    const open = (db: Kysely<Database>) => (except === null ? openFlowsOf.all.executeIn(db, this.db, [userId]) : openFlowsOf.allBut.executeIn(db, this.db, [userId, except]));
    if ((await open(this.db)).rows.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const digests = (await open(trx)).rows.map((row) => row.id_digest);
      if (digests.length === 0) return;
      await trx.deleteFrom('reset_codes').where('flow_digest', 'in', digests).execute();
      await trx.deleteFrom('reset_flows').where('id_digest', 'in', digests).execute();
    });
  }

  /** Stores a new code for (flow, method) and voids every earlier unused one: only the newest code works. */
  async replaceCode(digest: string, methodId: string, codeHash: string, expiresAt: number, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('reset_codes')
        .set({ consumed_at: now })
        .where('flow_digest', '=', digest)
        .where('method_id', '=', methodId)
        .where('consumed_at', 'is', null)
        .execute();
      await trx
        .insertInto('reset_codes')
        .values({ flow_digest: digest, method_id: methodId, code_hash: codeHash, attempts: 0, expires_at: expiresAt, created_at: now })
        .execute();
    });
  }

  /** The newest code for (flow, method), used or not; null when none was ever sent. */
  async latestCode(digest: string, methodId: string): Promise<CodeRecord | null> {
    const row = await this.db
      .selectFrom('reset_codes')
      .select(['id', 'code_hash', 'attempts', 'expires_at', 'consumed_at'])
      .where('flow_digest', '=', digest)
      .where('method_id', '=', methodId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row
      ? { id: row.id, codeHash: row.code_hash, attempts: row.attempts, expiresAt: row.expires_at, consumedAt: row.consumed_at }
      : null;
  }

  /** Spends one attempt on an unused code; false when the code is used up or out of attempts. */
  async takeAttempt(codeId: number, maxAttempts: number): Promise<boolean> {
    const result = await this.db
      .updateTable('reset_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', codeId)
      .where('consumed_at', 'is', null)
      .where('attempts', '<', maxAttempts)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Marks the code used; false when another request used it first (single use). */
  async consumeCode(codeId: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('reset_codes')
      .set({ consumed_at: now })
      .where('id', '=', codeId)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Deletes flows and codes that expired before `now`; returns how many flows went. */
  async purgeExpired(now: number): Promise<number> {
    await this.db.deleteFrom('reset_codes').where('expires_at', '<', now - 3_600_000).execute();
    const result = await this.db.deleteFrom('reset_flows').where('expires_at', '<', now).executeTakeFirst();
    // A code lives no longer than its flow, whatever its own expiry.
    await this.db.deleteFrom('reset_codes').where('flow_digest', 'not in', (eb) => eb.selectFrom('reset_flows').select('id_digest')).execute();
    return Number(result.numDeletedRows);
  }
}
