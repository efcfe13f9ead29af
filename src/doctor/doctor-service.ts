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
import { WorkerFieldOpener } from '../crypto/worker-field-opener.js';
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
import { DoctorPageReads, type GroupGraph } from '../store/doctor-page-reads.js';
import type { UserRecord } from '../store/users-repository.js';

const HOUR = 3_600_000;

/** One user's verdict from what the service holds: the checks that fail, and the reset throttle's block. */
export interface StoredVerdict {
  userId: string;
  failing: CheckId[];
  block: { until: number; reason: string } | null;
  /** The user registered at least one method (else only contact data from the directory can count for them). */
  registered?: boolean;
}

/** What a run over many users reads once: the service facts (policy narrowed as for one user) and the groups. */
export interface PageRun {
  service: ServiceFacts;
  groups: GroupGraph;
  /** Each group's id → the ids of every group containing it, itself included (filled as the run meets them). */
  closures: Map<string, Set<string>>;
  /**
   * Opens the run's stored values (contact data, method data) in a worker thread, so that the serving thread never
   * pauses for their native deciphers (worker-field-opener.ts); `endPageRun` ends it.
   */
  fields: WorkerFieldOpener;
}

/** Why the directory object was not read in a run over many users (the checks that need it skip). */
const NOT_INSPECTED = 'not read in a run over all users';

export interface DoctorDeps {
  config: Config;
  clock: Clock;
  db: Kysely<Database>;
  /** Where the per-check counts and the sweep's page reads run (`Store.reads`: off the serving thread on SQLite); default `db`. */
  reads?: Kysely<Database>;
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
  private readonly pages: DoctorPageReads;

  constructor(private readonly deps: DoctorDeps) {
    this.repo = new DoctorRepository(deps.reads ?? deps.db, doctorReads);
    this.agents = new AgentsRepository(deps.db);
    this.pages = new DoctorPageReads(deps.reads ?? deps.db, doctorReads);
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
   * Starts a run over many users: the service facts (policy narrowed to what this service delivers) and the groups,
   * once, and the worker that opens the run's stored values. Every run begun is ended with `endPageRun`.
   */
  async beginPageRun(): Promise<PageRun> {
    const [service, groups] = await Promise.all([this.serviceFacts(), this.pages.groupGraph()]);
    const policy = deliverablePolicy(service.policy, (type) => this.deps.availableTypes.includes(type));
    return { service: { ...service, policy }, groups, closures: new Map(), fields: new WorkerFieldOpener(this.deps.cipher) };
  }

  /** Ends a run: its worker thread. */
  async endPageRun(run: PageRun): Promise<void> {
    await run.fields.close();
  }

  /**
   * The user-level verdict of each of these users from what the service holds: the very checks of
   * `diagnoseUser`, over the same facts read a page at a time — except each user's directory object, which is
   * not read (the checks that need it skip, as in a run on a node without an agent). `pause` runs between reads
   * and between users, so that a caller can hand the event loop back. The users are read with `run.fields`
   * (`UsersRepository.page`), and so are their registrations here.
   */
  async pageVerdicts(run: PageRun, users: readonly UserRecord[], pause: () => Promise<void>): Promise<StoredVerdict[]> {
    const ids = users.map((u) => u.id);
    const groups = await this.pages.directGroups(ids);
    await pause();
    const plans = await this.pages.directPlans(ids);
    await pause();
    const registrations = await this.deps.registrations.listForUsers(ids, run.fields);
    await pause();
    const passwordEvents = await this.pages.newestPasswordEvents(ids);
    await pause();
    const deliveries = await this.pages.newestDeliveries(ids);
    await pause();
    const writeOutcomes = await this.pages.newestWriteOutcomes(ids);
    await pause();
    const blocks = await this.deps.throttles.blocksOf(users.map((u) => usernameKey(u.username)));
    await pause();
    const verdicts: StoredVerdict[] = [];
    for (const user of users) {
      const groupIds = new Set<string>();
      for (const id of groups.get(user.id) ?? []) for (const g of closureOf(run, id)) groupIds.add(g);
      const userPlans = new Set(plans.get(user.id) ?? []);
      for (const id of groupIds) for (const plan of run.groups.plans.get(id) ?? []) userPlans.add(plan);
      const block = blocks.get(usernameKey(user.username)) ?? null;
      const facts: UserFacts = {
        ...run.service,
        user,
        groups: [...groupIds].map((id) => run.groups.names.get(id) ?? '').filter(Boolean),
        plans: [...userPlans].sort(),
        registrations: registrations.get(user.id) ?? [],
        block,
        failedProofs: 0,
        inspection: null,
        inspectionError: user.source === 'local' ? null : NOT_INSPECTED,
        inspectionNotHere: false,
        passwordEvent: passwordEvents.get(user.id) ?? null,
        deliveries: deliveries.get(user.id) ?? [],
        writeOutcome: writeOutcomes.get(user.id) ?? null,
      };
      const failing = doctorChecks.map((check) => check.user(facts)).filter((f) => f.status === 'fail').map((f) => f.id);
      verdicts.push({ userId: user.id, failing, block, registered: facts.registrations.length > 0 });
      await pause();
    }
    return verdicts;
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

/** The group and every group containing it, directly or through nesting (loops guarded), memoised in the run. */
function closureOf(run: PageRun, groupId: string): Set<string> {
  let found = run.closures.get(groupId);
  if (found) return found;
  found = new Set<string>();
  const frontier = [groupId];
  while (frontier.length > 0) {
    const id = frontier.pop() as string;
    if (found.has(id)) continue;
    found.add(id);
    frontier.push(...(run.groups.parents.get(id) ?? []));
  }
  run.closures.set(groupId, found);
  return found;
}
