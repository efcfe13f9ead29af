import type { MailServerStatus } from '../mail/mail-server-state.js';
import type { Config } from '../config/schema.js';
import type { DirectoryKind } from '../directory/registry.js';
import type { SsprPolicy, MethodType } from '../policy/sspr-policy.js';
import type { Registration } from '../methods/records.js';
import type { UserRecord } from '../store/users-repository.js';
import type { AgentStatus } from '../writeback/agents-repository.js';
import type { AccountInspection, ServiceProbe } from '../writeback/directory-inspector.js';
import type { DoctorEvent, DoctorRepository, UserCounts } from '../store/doctor-repository.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { CheckId, Finding } from './doctor-types.js';

/** What the service-level checks look at; read once per run. */
export interface ServiceFacts {
  now: number;
  config: Config;
  /** The stored policy, and the method types this service can actually deliver. */
  policy: SsprPolicy;
  availableTypes: MethodType[];
  /** The configured directory kind; in agent mode without a server-side `directory`, the enrolled agents' kind. */
  directoryKind: DirectoryKind | null;
  /**
   * Where the directory's connection settings live: on this server (`directory` configured), behind the agents
   * (agent mode without a server-side `directory`), or nowhere (cloud-only).
   */
  directoryAt: 'server' | 'agents' | null;
  agents: AgentStatus[];
  /** Null when no inspector exists (no directory, or agent mode without an agent-backed inspector). */
  probe: ServiceProbe | null;
  probeError: string | null;
  smtpConfigured: boolean;
  smsConfigured: boolean;
  /** What the service knows of its SMTP server (start-up probe, then every send). */
  mailServer: MailServerStatus;
}

/** Everything the user-level checks look at, read once per run. */
export interface UserFacts extends ServiceFacts {
  user: UserRecord;
  groups: string[];
  plans: string[];
  registrations: Registration[];
  block: { until: number; reason: string } | null;
  failedProofs: number;
  inspection: AccountInspection | null;
  inspectionError: string | null;
  /** No agent is connected to this process (the CLI, or a node without one): the inspection runs only on the server. */
  inspectionNotHere: boolean;
  passwordEvent: DoctorEvent | null;
  deliveries: DoctorEvent[];
  writeOutcome: DoctorEvent | null;
}

/** What a service-level run adds: per-user counts and the facts only the service-level checks need. */
export interface ServiceRunFacts extends ServiceFacts {
  users: UserCounts;
  /** The id of the policy's group (enabled: selected), or null when it does not exist. */
  policyGroupId: string | null;
  /** Failed deliveries in the last 24 hours, with the newest reason. */
  deliveryFailures: { count: number; reason: string | null };
}

/** What a set-based count may use: the run's facts, the service-level verdicts, and the store. */
export interface CountContext {
  facts: ServiceRunFacts;
  service: ReadonlyMap<CheckId, Finding>;
  repo: DoctorRepository;
  cipher: FieldCipher;
}

export const isDirectoryUser = (facts: UserFacts): boolean => facts.user.source !== 'local';

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function duration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
