import type { Kysely, Selectable } from 'kysely';
import type { Database, ResetFlowsTable } from './schema.js';
import { PreparedQuery } from './prepared-query.js';
import type { WriteBatch } from './write-batch.js';

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

/** The statements of every reset flow's steps, compiled once (prepared-query.ts). */
const statements = {
  create: new PreparedQuery((db, $) =>
    db.insertInto('reset_flows').values({
      id_digest: $<string>(0), user_id: $<string | null>(1), username: $<string>(2), state: 'started', methods: $<string>(3), verified: '[]',
      required: $<number>(4), sends: 0, created_at: $<number>(5), expires_at: $<number>(6),
    })),
  findLive: new PreparedQuery((db, $) => db.selectFrom('reset_flows').selectAll().where('id_digest', '=', $<string>(0)).where('expires_at', '>', $<number>(1))),
  takeSend: new PreparedQuery((db, $) =>
    db.updateTable('reset_flows').set((eb) => ({ sends: eb('sends', '+', 1) })).where('id_digest', '=', $<string>(0)).where('sends', '<', $<number>(1))),
  markVerified: new PreparedQuery((db, $) =>
    db.updateTable('reset_flows').set({ verified: $<string>(1) }).where('id_digest', '=', $<string>(0)).where('state', '=', 'started')),
  markComplete: new PreparedQuery((db, $) =>
    db.updateTable('reset_flows').set({ verified: $<string>(1), state: 'verified' }).where('id_digest', '=', $<string>(0)).where('state', '=', 'started')),
  claim: new PreparedQuery((db, $) =>
    db
      .updateTable('reset_flows')
      .set({ state: 'completing', claimed_at: $<number>(1) })
      .where('id_digest', '=', $<string>(0))
      .where((eb) => eb.or([eb('state', '=', 'verified'), eb.and([eb('state', '=', 'completing'), eb('claimed_at', '<=', $<number>(2))])]))),
  releaseClaim: new PreparedQuery((db, $) =>
    db.updateTable('reset_flows').set({ state: 'verified', claimed_at: null }).where('id_digest', '=', $<string>(0)).where('state', '=', 'completing').where('claimed_at', '=', $<number>(1))),
  complete: new PreparedQuery((db, $) =>
    db.updateTable('reset_flows').set({ state: 'completed' }).where('id_digest', '=', $<string>(0)).where('state', '=', 'completing').where('claimed_at', '=', $<number>(1))),
  deleteCodes: new PreparedQuery((db, $) => db.deleteFrom('reset_codes').where('flow_digest', '=', $<string>(0))),
  voidCodes: new PreparedQuery((db, $) =>
    db.updateTable('reset_codes').set({ consumed_at: $<number>(2) }).where('flow_digest', '=', $<string>(0)).where('method_id', '=', $<string>(1)).where('consumed_at', 'is', null)),
  insertCode: new PreparedQuery((db, $) =>
    db.insertInto('reset_codes').values({ flow_digest: $<string>(0), method_id: $<string>(1), code_hash: $<string>(2), attempts: 0, expires_at: $<number>(3), created_at: $<number>(4) })),
  latestCode: new PreparedQuery((db, $) =>
    db
      .selectFrom('reset_codes')
      .select(['id', 'code_hash', 'attempts', 'expires_at', 'consumed_at'])
      .where('flow_digest', '=', $<string>(0))
      .where('method_id', '=', $<string>(1))
      .orderBy('id', 'desc')
      .limit(1)),
  takeAttempt: new PreparedQuery((db, $) =>
    db.updateTable('reset_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', $<number>(0)).where('consumed_at', 'is', null).where('attempts', '<', $<number>(1))),
  consumeCode: new PreparedQuery((db, $) => db.updateTable('reset_codes').set({ consumed_at: $<number>(1) }).where('id', '=', $<number>(0)).where('consumed_at', 'is', null)),
};

/** Whether a prepared update or delete changed exactly one row. */
const one = (result: { numAffectedRows?: bigint }): boolean => result.numAffectedRows === 1n;

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
    await statements.create.execute(this.db, flow.digest, flow.userId, flow.username, JSON.stringify(flow.methods), flow.required, now, flow.expiresAt);
  }

  /** The live flow with this digest, or null when unknown or expired. */
  async findLive(digest: string, now: number): Promise<FlowRecord<Type, Hint> | null> {
    const row = await statements.findLive.first(this.db, digest, now);
    return row ? toFlow(row) : null;
  }

  /** Counts one more sent code if the flow is still under `limit`; false when the limit is reached. */
  async takeSend(digest: string, limit: number): Promise<boolean> {
    return one(await statements.takeSend.execute(this.db, digest, limit));
  }

  async markVerified(digest: string, verified: string[], complete: boolean): Promise<void> {
    await (complete ? statements.markComplete : statements.markVerified).execute(this.db, digest, JSON.stringify(verified));
  }

  /**
   * Claims a verified flow for setting the password (→ `completing`, stamped `now`); also takes over a claim older
   * than `leaseMs`, whose request died before the flow completed. Returns the claim stamp, or null when another
   * live request holds the flow or it is not verified.
   */
  async claim(digest: string, now: number, leaseMs: number): Promise<number | null> {
    return one(await statements.claim.execute(this.db, digest, now, now - leaseMs)) ? now : null;
  }

  /** Gives a claimed flow back (`completing` → `verified`) after a failed write; no-op when the claim was taken over. */
  async releaseClaim(digest: string, claimedAt: number): Promise<void> {
    await statements.releaseClaim.execute(this.db, digest, claimedAt);
  }

  /**
   * Completes a claimed flow and removes its codes, in one transaction (`batch`'s, when given: then it settles once
   * the batch committed); false when the claim was taken over.
   */
  async completeClaimed(digest: string, claimedAt: number, batch?: WriteBatch): Promise<boolean> {
    const run = async (trx: Kysely<Database>) => {
      const completed = one(await statements.complete.executeIn(trx, this.db, [digest, claimedAt]));
      await statements.deleteCodes.executeIn(trx, this.db, [digest]);
      return completed;
    };
    return batch ? batch.add(run) : this.db.transaction().execute(run);
  }

  /**
   * Ends every open (started or verified) flow of this user except `except`, and voids their codes: after a
   * password was set, an earlier flow or a code sent before must not work any more.
   */
  async endOpenFlowsOfUser(userId: string, except: string | null, batch?: WriteBatch): Promise<void> {
    const open = (db: Kysely<Database>) => (except === null ? openFlowsOf.all.executeIn(db, this.db, [userId]) : openFlowsOf.allBut.executeIn(db, this.db, [userId, except]));
    const end = async (trx: Kysely<Database>) => {
      const digests = (await open(trx)).rows.map((row) => row.id_digest);
      if (digests.length === 0) return;
      await trx.deleteFrom('reset_codes').where('flow_digest', 'in', digests).execute();
      await trx.deleteFrom('reset_flows').where('id_digest', 'in', digests).execute();
    };
    // In a batch: one read, and the deletes only for flows found. Alone, mostly there is none: one read, and a
    // write transaction only for flows found (read again inside it).
    if (batch) {
      void batch.add(end);
      return;
    }
    if ((await open(this.db)).rows.length === 0) return;
    await this.db.transaction().execute(end);
  }

  /** Stores a new code for (flow, method) and voids every earlier unused one: only the newest code works. */
  async replaceCode(digest: string, methodId: string, codeHash: string, expiresAt: number, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await statements.voidCodes.executeIn(trx, this.db, [digest, methodId, now]);
      await statements.insertCode.executeIn(trx, this.db, [digest, methodId, codeHash, expiresAt, now]);
    });
  }

  /** The newest code for (flow, method), used or not; null when none was ever sent. */
  async latestCode(digest: string, methodId: string): Promise<CodeRecord | null> {
    const row = await statements.latestCode.first(this.db, digest, methodId);
    return row
      ? { id: row.id, codeHash: row.code_hash, attempts: row.attempts, expiresAt: row.expires_at, consumedAt: row.consumed_at }
      : null;
  }

  /** Spends one attempt on an unused code; false when the code is used up or out of attempts. */
  async takeAttempt(codeId: number, maxAttempts: number): Promise<boolean> {
    return one(await statements.takeAttempt.execute(this.db, codeId, maxAttempts));
  }

  /** Marks the code used; false when another request used it first (single use). */
  async consumeCode(codeId: number, now: number): Promise<boolean> {
    return one(await statements.consumeCode.execute(this.db, codeId, now));
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
