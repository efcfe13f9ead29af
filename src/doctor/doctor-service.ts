import type { Kysely } from 'kysely';
import type { CountryCode } from 'libphonenumber-js';
import type { Config } from '../config/schema.js';
import type { Database } from '../store/schema.js';
import type { Clock } from '../store/clock.js';
import type { UsersRepository } from '../store/users-repository.js';
import { usernameKey } from '../store/users-repository.js';
import type { GroupsRepository } from '../store/groups-repository.js';
import type { LicencesRepository } from '../store/licences-repository.js';
import type { RegistrationsRepository } from '../store/registrations-repository.js';
import type { PolicyStore } from '../policy/policy-store.js';
import type { Throttles } from '../policy/throttles.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { MethodType } from '../policy/sspr-policy.js';
import { adminPolicy, deliverablePolicy } from '../policy/sspr-policy.js';
import { DoctorRepository } from '../store/doctor-repository.js';
import { AgentsRepository } from '../writeback/agents-repository.js';
import type { DirectoryInspector } from '../writeback/directory-inspector.js';
import { DirectoryError } from '../directory/onprem/onprem-directory.js';
import { normalisePhoneNumber } from '../methods/phone/phone-number.js';
import { SsprError } from '../errors/sspr-error.js';
import type { Lang } from '../i18n/lang.js';
import { checkIds, type CheckId, type DoctorReport, type Finding, type SummaryLine } from './doctor-types.js';
import { render, say } from './doctor-text.js';
import type { ServiceFacts, UserFacts } from './facts.js';
import { licenseAssigned, ssprEnabled } from './checks/scope-checks.js';
import { agentConnected, agentNetwork, serviceWritebackEnabled, writebackEnabled } from './checks/writeback-checks.js';
import { accountState, directoryPermissions, directoryReachable, passwordPolicy, protectedAccount, serviceDirectoryPermissions, userLinked } from './checks/directory-checks.js';
import { adminPolicyCheck, methodDataValid, methodsRegistered, registrationCurrent, servicePolicyAdmins, servicePolicyMethods } from './checks/method-checks.js';
import { unsupportedOperation } from './checks/audit-checks.js';
import { throttled } from './checks/throttle-check.js';

const HOUR = 3_600_000;

export interface DoctorDeps {
  config: Config;
  clock: Clock;
  db: Kysely<Database>;
  cipher: FieldCipher;
  users: UsersRepository;
  groups: GroupsRepository;
  licences: LicencesRepository;
  registrations: RegistrationsRepository;
  policy: PolicyStore;
  throttles: Throttles;
  /** Method types this service can deliver (no SMS gateway → no 'sms'). */
  availableTypes: MethodType[];
  /** The directory seen read-only; null when no directory is configured (or no inspector exists for the mode). */
  inspector: DirectoryInspector | null;
  smtpConfigured: boolean;
  smsConfigured: boolean;
}

function reasonOf(error: unknown): string {
  if (error instanceof DirectoryError) return `${error.reason}: ${error.raw.slice(0, 200)}`;
  return error instanceof Error ? error.message.slice(0, 200) : String(error);
}

/**
 * The doctor: names the exact reason a user cannot reset, and how to fix it (failure-catalog.md). Every check
 * reads real state — the store, the audit trail, throttles, agents' heartbeats, and the directory through the
 * DirectoryInspector seam — and returns a Finding; rendering into a language happens last.
 */
export class DoctorService {
  private readonly repo: DoctorRepository;
  private readonly agents: AgentsRepository;

  constructor(private readonly deps: DoctorDeps) {
    this.repo = new DoctorRepository(deps.db);
    this.agents = new AgentsRepository(deps.db);
  }

  private async serviceFacts(): Promise<ServiceFacts> {
    const { config, inspector } = this.deps;
    const kind = config.directory?.kind;
    let probeError: string | null = null;
    const probing = inspector
      ? inspector.probe().catch((error: unknown) => {
          probeError = reasonOf(error);
          return null;
        })
      : null;
    const [probe, policy, agents] = await Promise.all([probing, this.deps.policy.current(), this.agents.list()]);
    return {
      now: this.deps.clock.now(),
      config,
      policy,
      availableTypes: this.deps.availableTypes,
      directoryKind: kind === 'ldap' || kind === 'ad' ? kind : null,
      agents,
      probe,
      probeError,
      smtpConfigured: this.deps.smtpConfigured,
      smsConfigured: this.deps.smsConfigured,
    };
  }

  /** One user: can they reset now, and every check with evidence and fix. Unknown users are `user-not-found`. */
  async diagnoseUser(username: string, lang: Lang): Promise<DoctorReport> {
    const user = await this.deps.users.findByUsername(username);
    if (!user) throw new SsprError('user-not-found', { params: { username } });
    const { inspector } = this.deps;
    let inspectionError: string | null = null;
    // The directory inspection runs alongside the service probe and the store reads (all independent).
    const inspecting: Promise<UserFacts['inspection']> =
      user.source === 'local' || !inspector
        ? Promise.resolve(null)
        : inspector.inspect({ username: user.username, anchor: user.anchor }).catch((error: unknown) => {
            inspectionError = reasonOf(error);
            return null;
          });
    const [service, inspection, groups, plans, registrations, passwordEvent, deliveries, writeOutcome] = await Promise.all([
      this.serviceFacts(),
      inspecting,
      this.deps.groups.groupsOfUser(user.id),
      this.deps.licences.plansOf(user.id),
      this.deps.registrations.listForUser(user.id),
      this.repo.newestPasswordEvent(user.id),
      this.repo.newestDeliveries(user.id),
      this.repo.newestWriteOutcome(user.id),
    ]);
    if (user.source !== 'local' && !inspector) {
      inspectionError = service.directoryKind ? `no directory inspector for ${service.config.writeback.mode} mode` : 'no directory is configured';
    }
    // The reset flow only offers methods this service can deliver; the doctor judges with the same narrowing.
    const policy = deliverablePolicy(service.policy, (type) => this.deps.availableTypes.includes(type));
    const key = usernameKey(user.username);
    const facts: UserFacts = {
      ...service,
      policy,
      user,
      groups,
      plans,
      registrations,
      block: await this.deps.throttles.blockedUntil(key),
      failedProofs: await this.deps.throttles.failedProofs(key, policy),
      inspection,
      inspectionError,
      passwordEvent,
      deliveries,
      writeOutcome,
    };
    const findings: Finding[] = [
      ssprEnabled(facts),
      licenseAssigned(facts),
      writebackEnabled(facts),
      agentConnected(facts, user.source),
      agentNetwork(facts, user.source),
      directoryReachable(facts, user.source),
      directoryPermissions(facts),
      userLinked(facts),
      methodsRegistered(facts),
      methodDataValid(facts),
      registrationCurrent(facts),
      adminPolicyCheck(facts),
      protectedAccount(facts),
      unsupportedOperation(facts),
      accountState(facts),
      passwordPolicy(facts),
      throttled(facts),
    ];
    const checks = findings.map((f) => render(f, lang));
    return { user: user.username, canReset: checks.every((c) => c.status !== 'fail'), checks };
  }

  /** The service: writeback, agents, directory, delivery and the policy's consistency, plus per-check user counts. */
  async diagnoseService(lang: Lang): Promise<DoctorReport> {
    const started = performance.now();
    const facts = await this.serviceFacts();
    const counts = await this.repo.countUsers();
    const findings = new Map<CheckId, Finding>();
    const add = (finding: Finding) => findings.set(finding.id, finding);
    add(await this.serviceScope(facts));
    add(facts.policy.licenceRequired ? { id: 'license-assigned', status: 'pass', key: 'required' } : { id: 'license-assigned', status: 'pass', key: 'not-required' });
    add(serviceWritebackEnabled(facts, counts.directory));
    add(agentConnected(facts, null));
    add(agentNetwork(facts, null));
    add(directoryReachable(facts, null));
    add(serviceDirectoryPermissions(facts));
    add(servicePolicyMethods(facts));
    add(await this.serviceDelivery(facts));
    add(servicePolicyAdmins(facts));
    const checks = checkIds.map((id) => (findings.has(id) ? render(findings.get(id) as Finding, lang) : { id, status: 'skip' as const, summary: say(lang, 'service.user-level'), evidence: '', fix: '' }));
    const lines = await this.summary(facts, counts, findings);
    return {
      user: null,
      canReset: checks.every((c) => c.status !== 'fail'),
      checks,
      summary: { users: counts.all, checks: lines, elapsedMs: Math.round(performance.now() - started) },
    };
  }

  private async serviceScope(facts: ServiceFacts): Promise<Finding> {
    const { policy } = facts;
    const evidence: Finding['evidence'] = [['policy', { enabled: policy.enabled, group: policy.group ?? '-' }]];
    if (policy.enabled === 'none') return { id: 'sspr-enabled', status: 'fail', key: 'disabled-for-everyone', evidence };
    if (policy.enabled === 'selected') {
      const id = policy.group ? (await this.deps.groups.find(policy.group))?.id : null;
      if (!id) return { id: 'sspr-enabled', status: 'fail', key: 'group-missing', params: { group: policy.group ?? '-' }, evidence };
      return { id: 'sspr-enabled', status: 'pass', key: 'selected', params: { group: policy.group ?? '' }, evidence };
    }
    return { id: 'sspr-enabled', status: 'pass', key: 'all', evidence };
  }

  private async serviceDelivery(facts: ServiceFacts): Promise<Finding> {
    const failures = await this.repo.deliveryFailuresSince(facts.now - 24 * HOUR);
    const evidence: Finding['evidence'] = [['mail', { smtp: String(facts.smtpConfigured), sms: facts.config.sms.provider, failures: failures.count }]];
    if (!facts.smtpConfigured && facts.policy.methods.includes('email')) return { id: 'method-data-valid', status: 'fail', key: 'no-smtp', evidence };
    if (failures.count > 0) return { id: 'method-data-valid', status: 'warn', key: 'service-failures', params: { count: failures.count, reason: failures.reason ?? '?' }, evidence };
    return { id: 'method-data-valid', status: 'pass', key: 'service-ok', params: { sms: facts.smsConfigured ? ', SMS too' : '' }, evidence };
  }

  /** How many users fail each user-level check: set-based queries (phones checked page by page), never a run per user. */
  private async summary(facts: ServiceFacts, counts: Awaited<ReturnType<DoctorRepository['countUsers']>>, service: Map<CheckId, Finding>): Promise<SummaryLine[]> {
    const { policy } = facts;
    const repo = this.repo;
    const store = 'set-based query over the store';
    const lines: SummaryLine[] = [];
    const line = (id: CheckId, failing: number, warning: number, basis: string) => lines.push({ id, failing, warning, basis });
    const serviceFails = (id: CheckId) => service.get(id)?.status === 'fail';

    let outside = 0;
    if (policy.enabled === 'none') outside = counts.enabled;
    else if (policy.enabled === 'selected') {
      const id = policy.group ? (await this.deps.groups.find(policy.group))?.id : null;
      outside = id ? await repo.enabledUsersOutside(await repo.groupsWithin([id])) : counts.enabled;
    }
    line('sspr-enabled', outside, 0, `${store} (nested group membership)`);

    const plans = ['sspr', 'sspr-writeback'];
    const unlicensed = policy.licenceRequired ? await repo.enabledUsersWithoutPlan(plans, await repo.groupsWithin(await repo.groupsWithPlan(plans))) : 0;
    line('license-assigned', unlicensed, 0, `${store} (direct and nested group assignment)`);

    const writebackBroken = !facts.directoryKind || !facts.config.writeback.enabled;
    line('writeback-enabled', writebackBroken ? counts.directory : 0, 0, 'directory-managed accounts × service setting');
    for (const id of ['agent-connected', 'agent-network', 'directory-reachable'] as const) {
      line(id, serviceFails(id) ? counts.directory : 0, service.get(id)?.status === 'warn' ? counts.directory : 0, 'directory-managed accounts × service-level result');
    }
    line('directory-permissions', 0, 0, 'per user object only (read from the directory by a user-level run)');
    line('user-linked', 0, counts.directoryWithoutAnchor, `${store}: directory accounts without a sync anchor; matches per user only`);

    const usable = policy.methods.filter((t) => facts.availableTypes.includes(t));
    const contact = {
      contactEmail: policy.contactDataCounts && usable.includes('email'),
      contactMobile: policy.contactDataCounts && usable.includes('sms'),
    };
    const tooFew = await repo.enabledUsersWithTooFewMethods({ admins: false, allowed: usable, required: policy.methodsRequired, ...contact });
    line('methods-registered', tooFew, 0, store);

    let badPhones = 0;
    const country = facts.config.sms.defaultCountry as CountryCode;
    for await (const page of repo.mobiles()) {
      for (const row of page) {
        const mobile = this.deps.cipher.decrypt(row.mobile, `users.mobile:${row.id}`);
        if (!normalisePhoneNumber(mobile, country).ok) badPhones++;
      }
    }
    line('method-data-valid', badPhones + (await repo.usersWithFailedDelivery()), counts.noContact, `${store}: invalid phone numbers (libphonenumber), newest delivery failed; warnings: no contact data`);

    const overdue = policy.reconfirmDays > 0 ? await repo.usersWithConfirmationBefore(facts.now - policy.reconfirmDays * 86_400_000) : 0;
    line('registration-current', 0, overdue, store);

    const adminAllowed = usable.filter((t) => !adminPolicy.forbidden.includes(t));
    const adminsShort = await repo.enabledUsersWithTooFewMethods({
      admins: true,
      allowed: adminAllowed,
      required: adminPolicy.methodsRequired,
      contactEmail: policy.contactDataCounts && adminAllowed.includes('email'),
      contactMobile: policy.contactDataCounts && adminAllowed.includes('sms'),
    });
    line('admin-policy', adminsShort, 0, store);
    line('protected-account', 0, 0, 'per user object only (adminCount / protected groups are read from the directory)');
    line('unsupported-operation', await repo.usersWithUnwrittenPassword(), 0, `${store}: newest password event not written back`);
    line('account-state', counts.disabled, 0, `${store}: disabled accounts; directory flags per user only`);
    line('password-policy', 0, await repo.usersWithRefusedReset(), `${store}: newest reset refused by the directory`);
    line('throttled', await repo.countExistingKeys(await repo.activeBlockKeys(facts.now)), 0, store);
    return lines;
  }
}
