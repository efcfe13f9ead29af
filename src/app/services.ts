import type { Logger } from 'pino';
import { metricsServed, type Config } from '../config/schema.js';
import { openStore, migrate, type Store } from '../store/database.js';
import { systemClock, type Clock } from '../store/clock.js';
import { UsersRepository } from '../store/users-repository.js';
import { CommitGroup } from '../store/commit-group.js';
import { GroupsRepository } from '../store/groups-repository.js';
import { LicencesRepository } from '../store/licences-repository.js';
import { FlowsRepository } from '../store/flows-repository.js';
import { SessionsRepository } from '../store/sessions-repository.js';
import { AuditRepository } from '../store/audit-repository.js';
import type { ServiceKeys } from '../crypto/keys.js';
import { SharedKeyring } from '../crypto/shared-keyring.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { LocalDirectory } from '../directory/local/local-directory.js';
import { AccountDirectory } from '../directory/account-directory.js';
import { onPremDirectoryFrom } from '../directory/registry.js';
import type { OnPremDirectory } from '../directory/onprem/onprem-directory.js';
import { writebackFromConfig, type WritebackParts } from '../writeback/writeback-from-config.js';
import { DemoOutbox, noMailer, smtpMailer, type Mailer } from '../mail/mailer.js';
import { BackgroundDelivery, MailDispatch, SmsDispatch } from '../delivery/background-delivery.js';
import { SecurityInfo } from '../flows/register/security-info.js';
import { relyingPartyFrom } from '../methods/passkey/passkey-method.js';
import { PasskeyService } from '../methods/passkey/passkey-service.js';
import { ProofOfWorkCaptcha } from '../captcha/altcha-captcha.js';
import { smsConfigSchema, smsGatewayFromConfig } from '../sms/registry.js';
import { Audit } from '../audit/audit.js';
import { OneTimeCodes } from '../methods/one-time-code.js';
import { createEnrolments, createMethods } from '../methods/index.js';
import { EnrolmentCodeLimits } from '../methods/enrolment-code-limits.js';
import type { MethodType, VerificationMethod } from '../methods/method.js';
import type { MethodHint } from '../methods/hints.js';
import type { RegistrationDataByType } from '../methods/records.js';
import { PolicyPasswordChecker, openBreachChecker, passwordSettingsFrom, type PasswordChecker } from '../policy/password-checker.js';
import { BannedTermsRepository } from '../store/banned-terms-repository.js';
import { PasswordHistoryRepository } from '../store/password-history-repository.js';
import { preloadStrengthEstimator } from '../password-policy/index.js';
import { ResetFlow } from '../flows/reset/reset-flow.js';
import { SignIn } from '../session/sign-in.js';
import { ConsoleSessions } from '../session/console-session.js';
import { SetPassword } from '../flows/password/set-password.js';
import { AfterAnswer } from '../flows/reset/after-answer.js';
import { RegistrationsRepository } from '../store/registrations-repository.js';
import { ChallengesRepository } from '../store/challenges-repository.js';
import { SettingsRepository } from '../store/settings-repository.js';
import { ThrottleRepository } from '../store/throttle-repository.js';
import { PolicyStore } from '../policy/policy-store.js';
import { Throttles } from '../policy/throttles.js';
import { SignInThrottle } from '../session/sign-in-throttle.js';
import { housekeep } from './housekeeping.js';
import { DecoyRing } from '../flows/reset/decoy-ring.js';
import { RateLimitRepository } from '../store/rate-limit-repository.js';
import type { DirectoryInspector } from '../writeback/directory-inspector.js';
import { DirectInspector } from '../writeback/direct-inspector.js';
import { AgentInspector } from '../writeback/agent-gateway/agent-inspector.js';
import { DoctorService } from '../doctor/doctor-service.js';
import { READINESS_JOB, REFRESH_MS, ResetReadiness } from '../doctor/reset-readiness.js';
import { AdminTokens } from '../admin/admin-tokens.js';
import { DeliveryQueueRepository } from '../store/delivery-queue-repository.js';
import { AuditDelivery } from '../audit/audit-delivery.js';
import { Metrics } from '../metrics/metrics.js';
import { probeMailServer, type MailServerState } from '../mail/mail-server-state.js';
import { RemindersRepository } from '../store/reminders-repository.js';
import { remindersFor, type Reminders } from '../reminders/reminders-from-config.js';
import { CallerVerification } from '../flows/helpdesk/caller-verification.js';
import { HelpdeskRepository } from '../store/helpdesk-repository.js';
import { createIntegrity, displayOrganisation, type IntegrityParts } from '../integrity/integrity-parts.js';
import { installTemplates } from '../mail/operator-templates.js';
import { withHelpdeskFooter } from '../mail/helpdesk-footer.js';
import { workerLink, type WorkerLink } from './worker-link.js';
import type { ReplayStore } from '../captcha/replay-store.js';

export interface Services {
  config: Config;
  log: Logger;
  clock: Clock;
  store: Store;
  keys: ServiceKeys;
  cipher: FieldCipher;
  users: UsersRepository;
  groups: GroupsRepository;
  licences: LicencesRepository;
  flows: FlowsRepository;
  sessions: SessionsRepository;
  audit: Audit;
  auditLog: AuditRepository;
  directory: AccountDirectory;
  /** The configured on-premises directory (direct mode), or null. */
  onprem: OnPremDirectory | null;
  /** The doctor's read-only view of the directory: direct mode over `onprem`; null without a directory. */
  inspector: DirectoryInspector | null;
  doctor: DoctorService;
  /** How many users can reset now: the doctor's verdict over every account, a dated snapshot renewed on a schedule. */
  readiness: ResetReadiness;
  adminTokens: AdminTokens;
  /** The writeback path (direct or agent), the agent hub in agent mode, agents and jobs. */
  writeback: WritebackParts;
  registrations: RegistrationsRepository<RegistrationDataByType>;
  challenges: ChallengesRepository;
  policy: PolicyStore;
  throttles: Throttles;
  bannedTerms: BannedTermsRepository;
  passwords: PasswordChecker;
  mail: MailDispatch;
  /** Null when no SMS gateway is configured. */
  sms: SmsDispatch | null;
  /** The outbox: mail and SMS leave through the store's delivery queue. */
  delivery: BackgroundDelivery;
  /** The audit queue's worker: events to the configured sinks. */
  auditDelivery: AuditDelivery;
  deliveryQueue: DeliveryQueueRepository;
  metrics: Metrics;
  /** What the last contact with the SMTP server showed (start-up probe, then every send). */
  mailServer: MailServerState;
  methods: Map<MethodType, VerificationMethod>;
  /** Present in demo mode only. */
  outbox: DemoOutbox | null;
  resetFlow: ResetFlow;
  securityInfo: SecurityInfo;
  /** Null with `captcha: off`. */
  captcha: ProofOfWorkCaptcha | null;
  signIn: SignIn;
  /** The console's side of sign-in sessions: step-up, idle and absolute timeouts, recent proof. */
  consoleSessions: ConsoleSessions;
  /** The one place a password is set (reset, unlock, change, helpdesk, CLI), with its follow-ups. */
  setPassword: SetPassword;
  /** Expiry and enrolment reminders (what `sspr notify` and the schedules in `sspr serve` run). */
  reminders: Reminders;
  /** Helpdesk caller verification, then reset or unlock for the caller (through `setPassword`). */
  helpdesk: CallerVerification;
  /** Notices with "this wasn't me" links, account freezes, forgotten user names. */
  integrity: IntegrityParts;
  /** Stops timers, waits for mail in flight, closes the store. */
  close(): Promise<void>;
}

export interface ServiceOverrides {
  clock?: Clock;
  mailer?: Mailer;
  /** Process metrics (CPU, memory, event loop) in the registry; default on. */
  processMetrics?: boolean;
  /**
   * The store is migrated and holds its keyring: true for a worker of `sspr serve`, whose primary did both before
   * forking it (serve-workers.ts). Default false: migrate first.
   */
  migrated?: boolean;
}

const HOUSEKEEPING_MS = 60_000;
/**
 * The serving connection's SQLite page cache, in MiB. Requests read rows by key and append a few; the cache fills up
 * to its size once the store is larger, so at 32 MiB a grown store added up to 32 MiB to the serving process. With
 * 32 clients changing passwords for 3 × 45 s on one store: peak resident memory ≈ 159 MiB at 8, 162–170 MiB at 32
 * and rising with the store; CPU per change the same.
 */
const SERVING_SQLITE_CACHE_MIB = 8;
/** Days a mail or SMS given up is kept (sealed) for the operator to see in `sspr audit queue`. */
const DEAD_MESSAGE_DAYS = 7;

/** Wires every part of the service from a validated config. Migrates the store first unless `overrides.migrated`. */
export async function createServices(config: Config, log: Logger, overrides: ServiceOverrides = {}): Promise<Services> {
  const clock = overrides.clock ?? systemClock;
  // The operator's mail and SMS texts are checked before anything opens: a bad file stops start-up with its line.
  installTemplates(config.templates.dir);
  const store = openStore(config.databaseUrl, config.dataDir, { sqliteCacheMiB: SERVING_SQLITE_CACHE_MIB });
  // On a store that holds its keyring, opening it only reads it (and checks the master key against it).
  const { keys, keyring } = await (async () => {
    if (!overrides.migrated) await migrate(store);
    return SharedKeyring.open(store, config.dataDir, config.secrets.masterKey, clock);
  })().catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const cipher = keyring.cipher;
  keyring.watch();

  const users = new UsersRepository(store.db, clock, cipher);
  const groups = new GroupsRepository(store.db, clock);
  const licences = new LicencesRepository(store.db, groups);
  const flows = new FlowsRepository<MethodType, MethodHint>(store.db);
  const sessions = new SessionsRepository(store.db);
  const auditLog = new AuditRepository(store.db, store.reads);
  const audit = new Audit(auditLog, clock, log, config.audit.sinks.map((sink) => sink.id));
  // /metrics is served with a port of its own or behind a token on the main port (metrics-routes.ts).
  const metrics = await Metrics.create({ exposed: metricsServed(config), processMetrics: overrides.processMetrics });
  audit.onRecord((entry) => metrics.observeAudit(entry));
  const link = workerLink();
  if (link) metricsOfAllWorkers(link, metrics);
  const deliveryQueue = new DeliveryQueueRepository(store.db, store.dialect);
  const registrations = new RegistrationsRepository<RegistrationDataByType>(store.db, cipher);
  const challenges = new ChallengesRepository(store.db, cipher);
  const policy = new PolicyStore(new SettingsRepository(store.db), clock, audit);
  const throttleRepository = new ThrottleRepository(store.db, keys.keyFor('throttle'));
  const throttles = new Throttles(throttleRepository, clock);
  const bannedTerms = new BannedTermsRepository(store.db);
  const localDirectory = new LocalDirectory(users, new PasswordHistoryRepository(store.db), config.password.historyLength, clock);
  const onprem = onPremDirectoryFrom(config);
  const writeback = await writebackFromConfig(config, { store, onprem, audit, clock, log });
  const directory = new AccountDirectory(localDirectory, writeback.writeback);
  const breach = await openBreachChecker(config);
  const passwords = new PolicyPasswordChecker(passwordSettingsFrom(config), bannedTerms, config.organisation.name, breach, clock);
  // Load zxcvbn's dictionaries now rather than on the first user's request.
  preloadStrengthEstimator();

  const realMailer = overrides.mailer ?? (config.smtp.url ? smtpMailer(config.smtp.url, config.smtp.from) : null);
  if (!realMailer && !config.demo) log.warn('no SMTP server configured (smtp.url / SSPR_SMTP_URL): codes cannot be delivered');
  const outbox = config.demo ? new DemoOutbox(realMailer) : null;
  const mailer: Mailer = withHelpdeskFooter(outbox ?? realMailer ?? noMailer, { organisation: displayOrganisation(config), ...config.branding.helpdesk });
  const { defaultCountry: _country, provider, ...smsSection } = config.sms;
  const smsGateway = provider === 'none' ? null : smsGatewayFromConfig(smsConfigSchema.parse({ provider, ...smsSection }));
  const mailServer = probeMailServer(realMailer, log);
  const batches = new CommitGroup(store.db);
  const delivery = new BackgroundDelivery({
    queue: deliveryQueue, cipher, clock, audit, log, metrics, nodeId: writeback.nodeId, batches,
    senders: { mail: mailServer.watch(mailer), sms: smsGateway },
    settings: {
      maxAttempts: config.outbox.maxAttempts,
      initialBackoffMs: config.outbox.initialBackoffSeconds * 1000,
      maxBackoffMs: config.outbox.maxBackoffSeconds * 1000,
      concurrency: config.outbox.concurrency,
      attemptTimeoutMs: config.outbox.timeoutSeconds * 1000,
    },
  });
  const mail = new MailDispatch(delivery);
  const sms = smsGateway ? new SmsDispatch(delivery) : null;
  const auditDelivery = new AuditDelivery({ config, queue: deliveryQueue, auditLog, clock, log, nodeId: writeback.nodeId, metrics });
  audit.onRecord(() => auditDelivery.wake());
  metrics.onScrape(async () => {
    metrics.agentsConnected.set(writeback.hub?.connectedAgents ?? 0);
    metrics.deliveryQueue.reset();
    for (const queue of ['audit', 'outbox'] as const) {
      for (const row of await deliveryQueue.counts(queue)) if (row.state !== 'delivered') metrics.deliveryQueue.set({ queue, sink: row.sink, state: row.state }, row.count);
    }
  });

  const codes = new OneTimeCodes(keys.keyFor('code-hash'), clock, config.reset);
  const relyingParty = relyingPartyFrom(config.publicUrl, config.host, config.port);
  const passkeys = relyingParty ? new PasskeyService({ rpName: config.organisation.name, ...relyingParty, clock }) : null;
  const methodParts = { flows, registrations, challenges, policy, clock, codes, mail, sms, passkeys, organisation: config.organisation.name, recoveryKey: keys.keyFor('recovery-codes') };
  const methods = createMethods(methodParts);
  if (!passkeys) log.warn('passkeys are off: the public URL is an IP address, which cannot be a WebAuthn relying party');
  const captcha = config.captcha === 'on' ? new ProofOfWorkCaptcha({ hmacKey: keys.keyFor('captcha'), clock, ...(link ? { replayStore: replaysOfAllWorkers(link) } : {}) }) : null;
  const enrolments = createEnrolments({
    ...methodParts,
    limits: new EnrolmentCodeLimits(throttleRepository, clock, keys.keyFor('code-hash')),
    defaultCountry: config.sms.defaultCountry,
  });
  const afterAnswer = new AfterAnswer((error) => log.warn({ err: error }, 'work after the answer failed'));
  const integrity = createIntegrity({ config, db: store.db, keys, cipher, clock, audit, mail, sms, users, sessions, flows, registrations, policy, afterAnswer });
  const securityInfo = new SecurityInfo({ registrations, policy, audit, clock, enrolments, available: new Set(methods.keys()), notices: integrity.notices, freeze: integrity.freeze });

  // The usual mail domain feeds decoy hints; it is read off the request path so that unknown and known
  // users cost the same.
  let usualDomain: string | null = await users.mostCommonEmailDomain();
  const decoys = new DecoyRing(keys.keyFor('decoy'));
  const population = (afterId: string, limit: number) => users.idsAfter(afterId, limit);
  await decoys.refresh(population);
  const helpdeskVerifications = new HelpdeskRepository(store.db);
  const housekeeping = setInterval(() => {
    void (async () => {
      usualDomain = await users.mostCommonEmailDomain();
      await decoys.refresh(population);
      await housekeep({ flows, sessions, challenges, throttles: throttleRepository, rateLimits: new RateLimitRepository(store.db), helpdesk: helpdeskVerifications, audit: { log: auditLog, retentionDays: config.audit.retentionDays } }, clock.now());
      await deliveryQueue.purgeDelivered(clock.now() - config.audit.delivery.keepDeliveredDays * 86_400_000);
      await deliveryQueue.purgeDeadMessages(clock.now() - DEAD_MESSAGE_DAYS * 86_400_000);
      await integrity.repository.purgeLinksBefore(clock.now());
    })().catch((error: unknown) => log.warn({ err: error }, 'housekeeping failed'));
  }, HOUSEKEEPING_MS);
  housekeeping.unref();

  const signInThrottle = new SignInThrottle(throttleRepository, clock);
  const reminderStore = new RemindersRepository(store.db, cipher);
  const setPassword = new SetPassword({
    directory, local: localDirectory, passwords, sessions, flows, throttles, guesses: signInThrottle, policy, users, mail, audit, clock, organisation: config.organisation.name,
    expiry: reminderStore,
    batches,
    notices: integrity.notices, freeze: integrity.freeze,
  });
  const inspector: DirectoryInspector | null = writeback.hub
    ? new AgentInspector(writeback.hub, config.directory?.kind ?? null)
    : onprem ? new DirectInspector(onprem) : null;
  const resetFlow = new ResetFlow({
    directory,
    registrations,
    groups,
    licences,
    policy,
    throttles,
    decoyKey: keys.keyFor('decoy'),
    decoys,
    flows,
    methods,
    passwords,
    setPassword,
    mail,
    afterAnswer,
    audit,
    clock,
    usualEmailDomain: () => usualDomain,
    lockedInDirectory: async (user) => (inspector ? ((await inspector.inspect(user)).account?.locked ?? null) : null),
    // A claim outlives any write: the agent job deadline twice over, and never less than a minute.
    settings: { flowTtlSeconds: config.reset.flowTtlSeconds, completionLeaseSeconds: Math.max(60, 2 * config.writeback.jobTimeoutSeconds + 10), maxSendsPerFlow: config.reset.maxSendsPerFlow, organisation: config.organisation.name },
  });
  const doctor = new DoctorService({
    config, clock, db: store.db, reads: store.reads, cipher, users, groups, licences, registrations, policy, throttles, inspector,
    availableTypes: [...methods.keys()],
    smtpConfigured: realMailer !== null,
    mailServer,
    smsConfigured: sms !== null,
  });
  const readiness = new ResetReadiness({
    doctor, users, settings: new SettingsRepository(store.db), clock,
    // One node sweeps per interval; the winner forgets the job's claims older than a day.
    claim: async (occurrence, now) => {
      const won = await reminderStore.claimOccurrence(READINESS_JOB, occurrence, writeback.nodeId, now);
      if (won) await reminderStore.purgeRuns(READINESS_JOB, now - 86_400_000);
      return won;
    },
    onError: (error) => log.warn({ err: error }, 'reset readiness sweep failed') });
  const readinessSchedule = setInterval(() => void readiness.refreshIfOlderThan(REFRESH_MS).catch((error: unknown) => log.warn({ err: error }, 'reset readiness schedule failed')), HOUSEKEEPING_MS);
  readinessSchedule.unref();
  const adminTokens = new AdminTokens(store.db, clock);
  delivery.start();
  auditDelivery.start();
  const helpdesk = new CallerVerification({
    verifications: helpdeskVerifications, registrations, setPassword, mail, sms, audit, clock,
    codeKey: keys.keyFor('code-hash'),
    organisation: config.organisation.name,
    contactDataCounts: async () => (await policy.current()).contactDataCounts,
  });
  const signIn = new SignIn(directory, sessions, audit, clock, config.session.ttlSeconds, signInThrottle, batches);
  const consoleSessions = new ConsoleSessions({
    sessions, flows, registrations, methods, audit, clock, throttle: signInThrottle,
    settings: {
      idleMs: config.console.session.idleMinutes * 60_000,
      absoluteMs: config.console.session.absoluteHours * 3_600_000,
      recentMs: config.console.stepUp.recentMinutes * 60_000,
      maxSends: config.reset.maxSendsPerFlow,
    },
  });

  const wired = {
    config, log, clock, store, keys, cipher, users, groups, licences, flows, sessions, audit, auditLog, directory, onprem, writeback, inspector, doctor, readiness, adminTokens, registrations, challenges, policy, throttles, bannedTerms, passwords, mail, sms, delivery, auditDelivery, deliveryQueue, metrics, mailServer, methods, outbox, resetFlow, securityInfo, captcha, signIn, consoleSessions, setPassword, helpdesk, integrity,
  };
  return {
    ...wired,
    reminders: remindersFor(wired, reminderStore),
    async close() {
      clearInterval(housekeeping);
      clearInterval(readinessSchedule);
      await readiness.stop();
      keyring.stop();
      if (breach && 'close' in breach && typeof breach.close === 'function') await breach.close();
      await afterAnswer.drain();
      // Mail in flight gets the shutdown deadline; what is left stays queued for the next start.
      await delivery.stop(config.outbox.shutdownDeadlineSeconds * 1000);
      await auditDelivery.stop(Math.min(5000, config.outbox.shutdownDeadlineSeconds * 1000));
      await writeback.close();
      await onprem?.close();
      await mailer.close();
      await audit.drain();
      await store.close();
    },
  };
}

/** /metrics of one worker answers the figures of all of them: the primary collects every worker's and adds them up. */
function metricsOfAllWorkers(link: WorkerLink, metrics: Metrics): void {
  link.handle('metrics-collect', ({ id }) => {
    void metrics.snapshot().catch(() => []).then((snapshot) => link.tell({ sspr: 'metrics-part', id, metrics: snapshot }));
  });
  metrics.answerWith(async () => {
    const answer = await link.ask((id) => ({ sspr: 'metrics-request', id }));
    if (answer.body === null) throw new Error('the primary process could not aggregate the workers\' metrics');
    return { contentType: answer.contentType, body: answer.body };
  });
}

/** Spent captcha solutions are remembered by the primary, so one solution buys one request across all workers. */
function replaysOfAllWorkers(link: WorkerLink): ReplayStore {
  return {
    has: () => false,
    add: async (signature, expiresAt) => (await link.ask((id) => ({ sspr: 'captcha-spend', id, signature, expiresAt }))).fresh,
  };
}
