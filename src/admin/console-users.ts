import type { Services } from '../app/services.js';
import type { Lang } from '../i18n/lang.js';
import type { DoctorReport } from '../doctor/doctor-types.js';
import type { AuditRecord } from '../store/audit-repository.js';
import { UserSearchRepository, type UserListing } from '../store/user-search-repository.js';
import { SsprError } from '../errors/sspr-error.js';
import { profileOf, type UserProfile } from '../directory/directory.js';
import { blocksOf, unblockUser, type Unblocked } from './unblock-user.js';
import { requireReregistration } from './require-reregistration.js';

/** Who acted, for the audit trail (`user:<name>` for a console session, `token:<id>` for an API token). */
export interface Actor {
  label: string;
  ip?: string;
  userAgent?: string;
}

/** A user as the console's user page shows them: nothing secret (no method data, no password hash). */
export interface ConsoleUser extends UserProfile {
  source: string;
  enabled: boolean;
  roles: string[];
  createdAt: number;
  passwordChangedAt: number | null;
  groups: string[];
  licences: string[];
  methods: Array<{ id: string; type: string; createdAt: number; confirmedAt: number; lastUsedAt: number | null }>;
  blocks: { reset: { until: number; reason: string } | null; signIn: number | null };
  /** Since when the owner is asked to register again (null: not asked, or done). */
  reregistrationSince: number | null;
  doctor: DoctorReport;
  audit: AuditRecord[];
}

/** How many events of the user's trail the user page shows (the audit page has the rest). */
export const USER_TRAIL = 50;

export type ConsoleUsersServices = Pick<Services, 'store' | 'keys' | 'clock' | 'users' | 'groups' | 'licences' | 'registrations' | 'doctor' | 'auditLog' | 'audit' | 'directory' | 'integrity'>;

/** The console's user use-cases (the same ones `sspr user show|unblock|methods` run). */
export class ConsoleUsers {
  private readonly search: UserSearchRepository;

  constructor(private readonly services: ConsoleUsersServices) {
    this.search = new UserSearchRepository(services.store.db);
  }

  find(query: string, after: string | undefined, limit: number): Promise<{ users: UserListing[]; next: string | null }> {
    return this.search.search({ query, after, limit });
  }

  async show(username: string, lang: Lang): Promise<ConsoleUser> {
    const { services } = this;
    const user = await services.users.get(username);
    const [roles, groups, licences, methods, blocks, doctor, trail, reregistration] = await Promise.all([
      services.users.rolesOf(user.id),
      services.groups.groupsOfUser(user.id),
      services.licences.plansOf(user.id),
      services.registrations.listForUser(user.id),
      blocksOf(services.store.db, services.keys.keyFor('throttle'), services.clock, user),
      services.doctor.diagnoseUser(user.username, lang),
      services.auditLog.browse({ user: { id: user.id, username: user.username } }, null, USER_TRAIL),
      services.registrations.reregistrationSince(user.id),
    ]);
    return {
      ...profileOf(user),
      source: user.source,
      enabled: user.enabled,
      roles,
      createdAt: user.createdAt,
      passwordChangedAt: user.passwordChangedAt,
      groups,
      licences,
      methods: methods.map((m) => ({ id: m.id, type: m.type, createdAt: m.createdAt, confirmedAt: m.confirmedAt, lastUsedAt: m.lastUsedAt })),
      blocks,
      reregistrationSince: reregistration?.at ?? null,
      doctor,
      audit: trail.events,
    };
  }

  /** Removes one registration by its id (audited `method-removed` with the operator); unknown ids are 404. */
  async removeMethod(username: string, methodId: string, actor: Actor): Promise<{ type: string }> {
    const { services } = this;
    const user = await services.users.get(username);
    const registration = (await services.registrations.listForUser(user.id)).find((r) => r.id === methodId);
    if (!registration || !(await services.registrations.remove(user.id, registration.id))) {
      throw new SsprError('registration-not-found', { params: { username: user.username, method: methodId.slice(0, 64) } });
    }
    await services.audit.record({ event: 'method-removed', outcome: 'success', userId: user.id, username: user.username, ip: actor.ip, userAgent: actor.userAgent, detail: { method: registration.type, by: actor.label } });
    return { type: registration.type };
  }

  /** Lifts the user's reset and sign-in blocks (audited `user-unblocked` with the operator and what was lifted). */
  async unblock(username: string, actor: Actor): Promise<Unblocked> {
    const { services } = this;
    const user = await services.users.get(username);
    const lifted = await unblockUser(services.store.db, services.keys.keyFor('throttle'), services.clock, user);
    await services.audit.record({ event: 'user-unblocked', outcome: 'success', userId: user.id, username: user.username, ip: actor.ip, userAgent: actor.userAgent, detail: { by: actor.label, ...lifted } });
    return lifted;
  }

  /** "Require re-registration" (require-reregistration.ts), the owner told in `lang` on the channels they had. */
  async requireReregistration(username: string, actor: Actor, lang: Lang): Promise<{ removed: string[] }> {
    const { services } = this;
    const user = await services.users.get(username);
    const account = await services.directory.findUser(user.username);
    return requireReregistration({
      registrations: services.registrations,
      record: (entry) => services.audit.record(entry),
      now: () => services.clock.now(),
      notify: account ? () => services.integrity.notices.send(account, 'reregistration', { lang, ip: actor.ip ?? '' }) : null,
    }, user, actor);
  }
}
