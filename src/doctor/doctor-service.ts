import type { MailServerStatus } from '../mail/mail-server-state.js';
import type { Kysely } from 'kysely';
import type { Config } from '../config/schema.js';
import type { Database } from '../store/schema.js';
import type { Clock } from '../store/clock.js';
import type { UsersRepository } from '../store/users-repository.js';
import { usernameKey } from '../store/users-repository.js';
import type { GroupsRepository } from '../store/groups-repository.js';
import type { LicencesRepository } from '../store/licences-repository.js';
import type { RegistrationsRepository } from '../methods/records.js';
import type { PolicyStore } from '../policy/policy-store.js';
import type { Throttles } from '../policy/throttles.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { deliverablePolicy, type MethodType } from '../policy/sspr-policy.js';
import { DoctorRepository } from '../store/doctor-repository.js';
import { AgentsRepository } from '../writeback/agents-repository.js';
import type { DirectoryInspector } from '../writeback/directory-inspector.js';
import { DirectoryError } from '../directory/onprem/onprem-directory.js';
import { isDirectoryKind } from '../directory/registry.js';
import { SsprError } from '../errors/sspr-error.js';
import type { Lang } from '../i18n/lang.js';
import type { CheckId, DoctorReport, Finding, SummaryLine } from './doctor-types.js';
import { render, say } from './doctor-text.js';
import type { ServiceFacts, ServiceRunFacts, UserFacts } from './facts.js';
import { doctorChecks } from './checks/index.js';
import { doctorReads } from './audit-reads.js';
import { InspectorUnreachable } from '../writeback/directory-inspector.js';

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
  /** The SMTP server's state; the doctor waits for the start-up probe to end. */
  mailServer?: { settled(): Promise<MailServerStatus> };
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
    this.repo = new DoctorRepository(deps.db, doctorReads);
    this.agents = new AgentsRepository(deps.db);
  }

  private async serviceFacts(): Promise<ServiceFacts> {
    const { config, inspector } = this.deps;
    let probeError: string | null = null;
    const probing = inspector
      ? inspector.probe().catch((error: unknown) => {
          // No agent connected to this process is not a directory failure: the agents' reports stand in.
          if (!(error instanceof InspectorUnreachable)) probeError = reasonOf(error);
          return null;
        })
      : null;
    const [probe, policy, agents, mailServer] = await Promise.all([
      probing, this.deps.policy.current(), this.agents.list(),
      this.deps.mailServer?.settled() ?? Promise.resolve<MailServerStatus>({ status: this.deps.smtpConfigured ? 'unknown' : 'not-configured' }),
    ]);
    const configured = config.directory?.kind;
    const behindAgents = !configured && config.writeback.mode === 'agent';
    const agentKind = agents.find((a) => a.revokedAt === null)?.directory;
    const kind = configured ?? (behindAgents ? agentKind : undefined);
    return {
      now: this.deps.clock.now(),
      config,
      policy,
      availableTypes: this.deps.availableTypes,
      directoryKind: kind !== undefined && isDirectoryKind(kind) ? kind : null,
      directoryAt: configured ? 'server' : behindAgents ? 'agents' : null,
      agents,
      probe,
      probeError,
      smtpConfigured: this.deps.smtpConfigured,
      smsConfigured: this.deps.smsConfigured,
      mailServer,
    };
  }

  /** One user: can they reset now, and every check with evidence and fix. Unknown users are `user-not-found`. */
  async diagnoseUser(username: string, lang: Lang): Promise<DoctorReport> {
    const user = await this.deps.users.findByUsername(username);
    if (!user) throw new SsprError('user-not-found', { params: { username } });
    const { inspector } = this.deps;
    let inspectionError: string | null = null;
    let inspectionNotHere = false;
    // The directory inspection runs alongside the service probe and the store reads (all independent).
    const inspecting: Promise<UserFacts['inspection']> =
      user.source === 'local' || !inspector
        ? Promise.resolve(null)
        : inspector.inspect({ username: user.username, anchor: user.anchor, source: user.source }).catch((error: unknown) => {
            if (error instanceof InspectorUnreachable) inspectionNotHere = true;
            else inspectionError = reasonOf(error);
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
      inspectionNotHere,
      passwordEvent,
      deliveries,
      writeOutcome,
    };
    const checks = doctorChecks.map((check) => render(check.user(facts), lang));
    return { user: user.username, canReset: checks.every((c) => c.status !== 'fail'), checks };
  }

  /**
   * The service: each check's service-level verdict (user-level only: skip), and per check how many users fail
   * or warn, counted set-based over the store.
   */
  async diagnoseService(lang: Lang): Promise<DoctorReport> {
    const started = performance.now();
    const [service, users, deliveryFailures] = await Promise.all([this.serviceFacts(), this.repo.countUsers(), this.repo.deliveryFailuresSince(this.deps.clock.now() - 24 * HOUR)]);
    const group = service.policy.enabled === 'selected' && service.policy.group ? await this.deps.groups.find(service.policy.group) : null;
    const facts: ServiceRunFacts = { ...service, users, policyGroupId: group?.id ?? null, deliveryFailures };
    const findings = new Map<CheckId, Finding>();
    for (const check of doctorChecks) {
      const finding = check.service?.(facts);
      if (finding) findings.set(check.id, finding);
    }
    const context = { facts, service: findings, repo: this.repo, cipher: this.deps.cipher };
    const lines: SummaryLine[] = [];
    for (const check of doctorChecks) {
      if (check.count) lines.push({ id: check.id, ...(await check.count(context)) });
    }
    const checks = doctorChecks.map(({ id }) => {
      const finding = findings.get(id);
      return finding ? render(finding, lang) : { id, status: 'skip' as const, summary: say(lang, 'service.user-level'), evidence: '', fix: '' };
    });
    return {
      user: null,
      canReset: checks.every((c) => c.status !== 'fail'),
      checks,
      summary: { users: users.all, checks: lines, elapsedMs: Math.round(performance.now() - started) },
    };
  }
}
