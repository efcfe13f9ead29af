import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { PreparedQuery } from './prepared-query.js';
import type { WriteBatch } from './write-batch.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { emailContext, mobileContext } from './users-repository.js';

/** Runs after every password write (prepared-query.ts); a row without a stored expiry is left alone (no write). */
const passwordWrittenStatement = new PreparedQuery((db, $) =>
  db.updateTable('users').set({ password_expires_at: null }).where('id', '=', $<string>(0)).where('source', '!=', 'local').where('password_expires_at', 'is not', null));

/** Rows per statement (4 columns × 500 is far below either dialect's parameter limit). */
const ROWS_PER_STATEMENT = 500;

/** The key of one claim in the sets claimMany and claimedAmong return. */
export function claimKey(subject: string, occasion: string): string {
  return `${subject}\n${occasion}`;
}

/** An enabled account whose password expires within the asked window. */
export interface ExpiringAccount {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  mobile: string | null;
  source: string;
  /** Null when the directory did not say (the reminder key then uses the expiry time). */
  passwordChangedAt: number | null;
  passwordExpiresAt: number;
  managerDn: string | null;
}

/** A manager, found by the DN in their people's `manager` attribute. */
export interface ManagerAccount {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
}

/** How often an account was reminded to register methods. */
export interface EnrolmentReminderCount {
  count: number;
  lastSentAt: number;
}

/**
 * The reminders' persistence: expiring accounts in one query, and claims that make every reminder (and every
 * occurrence of a scheduled job) happen once across restarts and nodes — a claim is one INSERT … ON CONFLICT DO
 * NOTHING (or one conditional UPDATE) on a unique key, so of several concurrent claimers exactly one wins.
 */
export class RemindersRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
  ) {}

  /**
   * Enabled accounts whose password expires after `now` and at the latest at `until`: directory accounts by the
   * expiry the sync stored, cloud-only accounts (source 'local') by their last change plus `cloudOnlyMaxAgeMs`
   * when given. Ordered by expiry.
   */
  async expiring(now: number, until: number, cloudOnlyMaxAgeMs: number | null): Promise<ExpiringAccount[]> {
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'email', 'mobile', 'source', 'password_changed_at', 'password_expires_at', 'manager_dn'])
      .where('enabled', '=', 1)
      .where((eb) => {
        const directory = eb.and([eb('source', '!=', 'local'), eb('password_expires_at', '>', now), eb('password_expires_at', '<=', until)]);
        if (cloudOnlyMaxAgeMs === null) return directory;
        const cloud = eb.and([
          eb('source', '=', 'local'),
          eb('password_changed_at', '>', now - cloudOnlyMaxAgeMs),
          eb('password_changed_at', '<=', until - cloudOnlyMaxAgeMs),
        ]);
        return eb.or([directory, cloud]);
      })
      .execute();
    // Decrypting is CPU work: a page at a time, yielding between pages, so a large run never holds the event loop.
    const accounts: ExpiringAccount[] = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      if (i > 0) await yieldToLoop();
      accounts.push(...rows.slice(i, i + ROWS_PER_STATEMENT).map((row) => ({
        id: row.id,
        username: row.username,
        displayName: row.display_name,
        email: this.cipher.decryptNullable(row.email, emailContext(row.id)),
        mobile: this.cipher.decryptNullable(row.mobile, mobileContext(row.id)),
        source: row.source,
        passwordChangedAt: row.password_changed_at,
        passwordExpiresAt: row.source === 'local' ? (row.password_changed_at ?? 0) + (cloudOnlyMaxAgeMs ?? 0) : (row.password_expires_at ?? 0),
        managerDn: row.manager_dn,
      })));
    }
    return accounts.sort((a, b) => a.passwordExpiresAt - b.passwordExpiresAt || a.username.localeCompare(b.username));
  }

  /** Enabled accounts by DN, keyed by the lower-cased DN (DNs compare case-insensitively in LDAP and AD). */
  async managersByDn(dns: readonly string[]): Promise<Map<string, ManagerAccount>> {
    const found = new Map<string, ManagerAccount>();
    const wanted = [...new Set(dns.map((dn) => dn.toLowerCase()))];
    for (let i = 0; i < wanted.length; i += 500) {
      const chunk = wanted.slice(i, i + 500);
      const rows = await this.db
        .selectFrom('users')
        .select(['id', 'username', 'display_name', 'email', 'dn'])
        .where('enabled', '=', 1)
        .where((eb) => eb(eb.fn('lower', ['dn']), 'in', chunk))
        .execute();
      for (const row of rows) {
        if (row.dn === null) continue;
        found.set(row.dn.toLowerCase(), { id: row.id, username: row.username, displayName: row.display_name, email: this.cipher.decryptNullable(row.email, emailContext(row.id)) });
      }
    }
    return found;
  }

  /** True when this caller won the claim of (kind, subject, occasion); false when it was claimed before. */
  async claim(kind: string, subject: string, occasion: string, now: number): Promise<boolean> {
    const result = await this.db
      .insertInto('reminder_claims')
      .values({ kind, subject, occasion, claimed_at: now })
      .onConflict((oc) => oc.columns(['kind', 'subject', 'occasion']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /**
   * Claims many (subject, occasion) pairs of one kind in one statement per page; returns the keys
   * (`claimKey(subject, occasion)`) this caller won. Pairs claimed before, by anyone, are not returned.
   */
  async claimMany(kind: string, pairs: ReadonlyArray<{ subject: string; occasion: string }>, now: number): Promise<Set<string>> {
    const won = new Set<string>();
    for (let i = 0; i < pairs.length; i += ROWS_PER_STATEMENT) {
      const rows = await this.db
        .insertInto('reminder_claims')
        .values(pairs.slice(i, i + ROWS_PER_STATEMENT).map(({ subject, occasion }) => ({ kind, subject, occasion, claimed_at: now })))
        .onConflict((oc) => oc.columns(['kind', 'subject', 'occasion']).doNothing())
        .returning(['subject', 'occasion'])
        .execute();
      for (const row of rows) won.add(claimKey(row.subject, row.occasion));
    }
    return won;
  }

  /** The keys among these pairs that were claimed before (for dry runs; no write). */
  async claimedAmong(kind: string, pairs: ReadonlyArray<{ subject: string; occasion: string }>): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < pairs.length; i += ROWS_PER_STATEMENT) {
      const page = pairs.slice(i, i + ROWS_PER_STATEMENT);
      const rows = await this.db
        .selectFrom('reminder_claims')
        .select(['subject', 'occasion'])
        .where('kind', '=', kind)
        .where('subject', 'in', [...new Set(page.map((pair) => pair.subject))])
        .execute();
      const wanted = new Set(page.map((pair) => claimKey(pair.subject, pair.occasion)));
      for (const row of rows) if (wanted.has(claimKey(row.subject, row.occasion))) found.add(claimKey(row.subject, row.occasion));
    }
    return found;
  }

  /** Whether (kind, subject, occasion) was claimed (for dry runs). */
  async claimed(kind: string, subject: string, occasion: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('reminder_claims')
      .select('claimed_at')
      .where('kind', '=', kind)
      .where('subject', '=', subject)
      .where('occasion', '=', occasion)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * The password of a directory account was just written by this service: its stored expiry belongs to the old
   * password, so it is forgotten until the next sync reads the new one (no reminder about a password gone).
   */
  async passwordWritten(userId: string, batch?: WriteBatch): Promise<void> {
    if (batch) void batch.add((trx) => passwordWrittenStatement.executeIn(trx, this.db, [userId]));
    else await passwordWrittenStatement.execute(this.db, userId);
  }

  /**
   * Enabled accounts that may lack methods: fewer than `required` distinct registered types among `allowed`,
   * or (with `confirmedBefore`) a registration confirmed before it. A superset: contact data and the policy's
   * scope are checked by the caller.
   */
  async enrolmentCandidates(options: { allowed: string[]; required: number; confirmedBefore: number | null }): Promise<string[]> {
    const { db } = this;
    const counted = db
      .selectFrom('method_registrations')
      .select(['user_id', (eb) => eb.fn.count<number | string>('type').distinct().as('n'), (eb) => eb.fn.min<number>('confirmed_at').as('oldest')])
      .where('type', 'in', options.allowed.length ? options.allowed : ['-'])
      .groupBy('user_id');
    const rows = await db
      .selectFrom('users')
      .leftJoin(counted.as('c'), 'c.user_id', 'users.id')
      .select('users.id')
      .where('users.enabled', '=', 1)
      .where((eb) => {
        const tooFew = eb(eb.fn.coalesce('c.n', eb.lit(0)), '<', options.required);
        return options.confirmedBefore === null ? tooFew : eb.or([tooFew, eb('c.oldest', '<', options.confirmedBefore)]);
      })
      .orderBy('users.id')
      .execute();
    return rows.map((row) => row.id);
  }

  /**
   * Claims the next enrolment reminder of an account: true when it had fewer than `max` and the last one was
   * at least `everyMs` ago (or none), and the count was raised; false otherwise. Atomic per account.
   */
  async claimEnrolmentReminder(userId: string, now: number, everyMs: number, max: number): Promise<boolean> {
    const inserted = await this.db
      .insertInto('enrolment_reminders')
      .values({ user_id: userId, sent_count: 1, last_sent_at: now })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
    const updated = await this.db
      .updateTable('enrolment_reminders')
      .set((eb) => ({ sent_count: eb('sent_count', '+', 1), last_sent_at: now }))
      .where('user_id', '=', userId)
      .where('sent_count', '<', max)
      .where('last_sent_at', '<=', now - everyMs)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /** Whether an enrolment reminder would be claimed now (for dry runs; no write). */
  async enrolmentReminderDue(userId: string, now: number, everyMs: number, max: number): Promise<boolean> {
    const row = (await this.enrolmentReminders([userId])).get(userId);
    return row === undefined || (row.count < max && row.lastSentAt <= now - everyMs);
  }

  /** The enrolment-reminder counts of these accounts (all reminded accounts when `userIds` is omitted). */
  async enrolmentReminders(userIds?: readonly string[]): Promise<Map<string, EnrolmentReminderCount>> {
    const query = this.db.selectFrom('enrolment_reminders').select(['user_id', 'sent_count', 'last_sent_at']);
    const pages = userIds === undefined ? [null] : Array.from({ length: Math.ceil(userIds.length / ROWS_PER_STATEMENT) }, (_, i) => userIds.slice(i * ROWS_PER_STATEMENT, (i + 1) * ROWS_PER_STATEMENT));
    const found = new Map<string, EnrolmentReminderCount>();
    for (const page of pages) {
      const rows = await (page === null ? query : query.where('user_id', 'in', page)).execute();
      for (const row of rows) found.set(row.user_id, { count: row.sent_count, lastSentAt: row.last_sent_at });
    }
    return found;
  }

  /** True when this node won the occurrence of a scheduled job (one node runs each occurrence). */
  async claimOccurrence(job: string, occurrence: number, node: string, now: number): Promise<boolean> {
    const result = await this.db
      .insertInto('scheduled_runs')
      .values({ job, occurrence, node, started_at: now })
      .onConflict((oc) => oc.columns(['job', 'occurrence']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Forgets one job's scheduled-run records older than `before` (a job claimed every few minutes keeps its own table small). */
  async purgeRuns(job: string, before: number): Promise<void> {
    await this.db.deleteFrom('scheduled_runs').where('job', '=', job).where('started_at', '<', before).execute();
  }

  /** Forgets claims and scheduled-run records older than `before` (the caller keeps them longer than any interval). */
  async purge(before: number): Promise<void> {
    await this.db.deleteFrom('reminder_claims').where('claimed_at', '<', before).execute();
    await this.db.deleteFrom('scheduled_runs').where('started_at', '<', before).execute();
  }
}
