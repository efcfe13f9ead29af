import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** How many distinct method types a group of users needs, and which types (and contact data) count. */
export interface MethodRule {
  allowed: string[];
  required: number;
  contactEmail: boolean;
  contactMobile: boolean;
}

/**
 * Who may reset under one policy, in the store's terms (the policy module translates a policy into this): the
 * scope (nobody, everyone, or direct members of these already-expanded groups), the licence rule (null: not
 * required; else users holding one of `plans` directly or through these already-expanded groups), and the method
 * rule for non-administrators and for administrators. Enabled accounts only.
 */
export interface ResetCriteria {
  scope: 'none' | 'all' | { groupIds: string[] };
  licence: null | { plans: string[]; groupIds: string[] };
  users: MethodRule;
  admins: MethodRule;
}

export interface WhatIfPage {
  gained: number;
  lost: number;
  /** Names in username order, `limit` from `offset`, of each side. */
  gainedNames: string[];
  lostNames: string[];
}

/**
 * The policy what-if over the store: the set of users able to reset under a policy is one query (the doctor's
 * set-based shape: method types per user by UNION, counted per user, joined to users); the difference between two
 * policies is two EXCEPTs, counted and paged in SQL — never a loop over users.
 */
export class PolicyWhatIfRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Distinct usable method types per user under `rule` (registrations of allowed types, plus contact data). */
  private typeCounts(rule: MethodRule) {
    const { db } = this;
    let types = db
      .selectFrom('method_registrations')
      .select(['user_id', 'type'])
      .where('type', 'in', rule.allowed.length ? rule.allowed : ['-']);
    if (rule.contactEmail) types = types.union(db.selectFrom('users').select(['id as user_id', (eb) => eb.val('email').as('type')]).where('email', 'is not', null));
    if (rule.contactMobile) types = types.union(db.selectFrom('users').select(['id as user_id', (eb) => eb.val('sms').as('type')]).where('mobile', 'is not', null));
    return db.selectFrom(types.as('t')).select(['t.user_id', (eb) => eb.fn.count<number | string>('t.type').distinct().as('n')]).groupBy('t.user_id');
  }

  /** The ids of enabled users who may reset under `criteria`. */
  eligible(criteria: ResetCriteria) {
    const { db } = this;
    const part = (admins: boolean, rule: MethodRule) => {
      let query = db
        .selectFrom('users')
        .leftJoin(this.typeCounts(rule).as('c'), 'c.user_id', 'users.id')
        .select('users.id as id')
        .where('users.enabled', '=', 1)
        .where('users.is_admin', '=', admins ? 1 : 0)
        .where((eb) => eb(eb.fn.coalesce('c.n', eb.lit(0)), '>=', rule.required));
      const { scope, licence } = criteria;
      if (scope === 'none') query = query.where('users.id', 'is', null);
      else if (scope !== 'all') {
        const groups = scope.groupIds.length ? scope.groupIds : ['-'];
        query = query.where('users.id', 'in', (eb) => eb.selectFrom('group_members').select('member_id').where('member_type', '=', 'user').where('group_id', 'in', groups));
      }
      if (licence) {
        const groups = licence.groupIds.length ? licence.groupIds : ['-'];
        query = query.where((eb) =>
          eb.or([
            eb('users.id', 'in', eb.selectFrom('licence_assignments').select('principal_id').where('principal_type', '=', 'user').where('plan', 'in', licence.plans)),
            eb('users.id', 'in', eb.selectFrom('group_members').select('member_id').where('member_type', '=', 'user').where('group_id', 'in', groups)),
          ]),
        );
      }
      return query;
    };
    // Wrapped in a sub-select, so that a compound with it (EXCEPT) cannot re-associate the UNION (SQLite's compound
    // operators have equal precedence and bind left to right).
    const both = part(false, criteria.users).union(part(true, criteria.admins));
    return db.selectFrom(both.as('u')).select('u.id as id');
  }

  /** How many users may reset under `criteria`. */
  async countEligible(criteria: ResetCriteria): Promise<number> {
    const row = await this.db.selectFrom(this.eligible(criteria).as('e')).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Who gains and who loses the ability to reset going from `before` to `after`: counts, and one page of names each. */
  async compare(before: ResetCriteria, after: ResetCriteria, page: { offset: number; limit: number }): Promise<WhatIfPage> {
    const side = async (from: ResetCriteria, minus: ResetCriteria) => {
      const difference = this.eligible(from).except(this.eligible(minus)).as('d');
      const count = await this.db.selectFrom(difference).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      const names = await this.db
        .selectFrom('users')
        .select('username')
        .where('id', 'in', (eb) => eb.selectFrom(this.eligible(from).except(this.eligible(minus)).as('d2')).select('d2.id'))
        .orderBy('username_key')
        .offset(page.offset)
        .limit(page.limit)
        .execute();
      return { count: Number(count.n), names: names.map((r) => r.username) };
    };
    const gained = await side(after, before);
    const lost = await side(before, after);
    return { gained: gained.count, lost: lost.count, gainedNames: gained.names, lostNames: lost.names };
  }
}
