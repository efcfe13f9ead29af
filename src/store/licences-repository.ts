import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { GroupsRepository } from './groups-repository.js';
import { principalName } from './principal-name.js';

/** Licence plans (e.g. `sspr`, `sspr-writeback`) assigned to users directly or through (nested) groups. */
export class LicencesRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly groups: GroupsRepository,
  ) {}

  async assign(plan: string, principalType: 'user' | 'group', principalId: string): Promise<void> {
    await this.db
      .insertInto('licence_assignments')
      .values({ plan, principal_type: principalType, principal_id: principalId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** Takes a plan away from a user or group it was assigned to directly; false when it was not. */
  async unassign(plan: string, principalType: 'user' | 'group', principalId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('licence_assignments')
      .where('plan', '=', plan)
      .where('principal_type', '=', principalType)
      .where('principal_id', '=', principalId)
      .executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  /** Every assignment with the principal's name. */
  async list(): Promise<Array<{ plan: string; principalType: 'user' | 'group'; principal: string }>> {
    const rows = await this.db
      .selectFrom('licence_assignments')
      .select(['licence_assignments.plan', 'licence_assignments.principal_type', principalName('licence_assignments.principal_type', 'licence_assignments.principal_id').as('name')])
      .orderBy('licence_assignments.plan')
      .execute();
    return rows.map((r) => ({ plan: r.plan, principalType: r.principal_type, principal: r.name ?? '?' }));
  }

  /** Plans the user holds, directly or through any group they belong to (nested included). */
  async plansOf(userId: string): Promise<string[]> {
    const groupIds = [...(await this.groups.containingGroupIds('user', userId))];
    const rows = await this.db
      .selectFrom('licence_assignments')
      .select('plan')
      .where((eb) =>
        eb.or([
          eb.and([eb('principal_type', '=', 'user'), eb('principal_id', '=', userId)]),
          ...(groupIds.length ? [eb.and([eb('principal_type', '=', 'group'), eb('principal_id', 'in', groupIds)])] : []),
        ]),
      )
      .distinct()
      .execute();
    return rows.map((r) => r.plan).sort();
  }
}
