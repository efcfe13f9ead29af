import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { PolicyWhatIfRepository, type MethodRule, type ResetCriteria, type WhatIfPage } from '../store/policy-what-if-repository.js';
import { DoctorRepository } from '../store/doctor-repository.js';
import { doctorReads } from './audit-reads.js';
import { adminPolicy, type MethodType, type SsprPolicy } from '../policy/sspr-policy.js';
import { allowedTypes } from '../policy/eligibility.js';
import { policyChanges, type PolicyChange } from '../policy/policy-changes.js';

/** The plans that include self-service reset (the `license-assigned` check's list). */
const LICENCE_PLANS = ['sspr', 'sspr-writeback'];

export interface WhatIf extends WhatIfPage {
  /** Users able to reset under the stored policy and under the candidate. */
  before: number;
  after: number;
  changes: PolicyChange[];
}

export interface WhatIfDeps {
  /** Where its set-based counts run: `Store.reads` (off the serving thread on SQLite). */
  db: Kysely<Database>;
  /** The group's id by name (case-insensitive), or null. */
  findGroup(name: string): Promise<{ id: string } | null>;
  /** Method types this service can deliver (no SMS gateway → no 'sms'). */
  availableTypes: readonly MethodType[];
}

/**
 * The policy what-if: who would gain or lose the ability to reset if the candidate policy were saved. It covers the
 * parts a policy decides — the doctor's `sspr-enabled`, `license-assigned`, `methods-registered` and `admin-policy`
 * checks — counted with the same set-based rules those checks count with (nested groups expanded once, method
 * types per user by UNION, contact data counting as the policy says, administrators two types and never
 * questions). Directory, writeback and throttle state do not depend on the policy, so they do not move anyone.
 */
export class PolicyWhatIf {
  private readonly doctor: DoctorRepository;
  private readonly repo: PolicyWhatIfRepository;

  constructor(private readonly deps: WhatIfDeps) {
    this.doctor = new DoctorRepository(deps.db, doctorReads);
    this.repo = new PolicyWhatIfRepository(deps.db);
  }

  /** The store's criteria for a policy. */
  async criteriaOf(policy: SsprPolicy): Promise<ResetCriteria> {
    const deliverable = policy.methods.filter((type) => this.deps.availableTypes.includes(type));
    const rule = (types: MethodType[], required: number): MethodRule => ({
      allowed: types,
      required,
      contactEmail: policy.contactDataCounts && types.includes('email'),
      contactMobile: policy.contactDataCounts && types.includes('sms'),
    });
    let scope: ResetCriteria['scope'] = 'all';
    if (policy.enabled === 'none') scope = 'none';
    else if (policy.enabled === 'selected') {
      const group = policy.group ? await this.deps.findGroup(policy.group) : null;
      scope = { groupIds: group ? await this.doctor.groupsWithin([group.id]) : [] };
    }
    const licence = policy.licenceRequired ? { plans: LICENCE_PLANS, groupIds: await this.doctor.groupsWithin(await this.doctor.groupsWithPlan(LICENCE_PLANS)) } : null;
    return {
      scope,
      licence,
      users: rule(deliverable, policy.methodsRequired),
      admins: rule(allowedTypes({ isAdmin: true }, { ...policy, methods: deliverable }), adminPolicy.methodsRequired),
    };
  }

  async preview(before: SsprPolicy, after: SsprPolicy, page: { offset: number; limit: number }): Promise<WhatIf> {
    const [from, to] = [await this.criteriaOf(before), await this.criteriaOf(after)];
    const difference = await this.repo.compare(from, to, page);
    return { ...difference, before: await this.repo.countEligible(from), after: await this.repo.countEligible(to), changes: policyChanges(before, after) };
  }
}
