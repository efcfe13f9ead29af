import type { Config } from '../config/schema.js';
import type { SsprPolicy, MethodType } from '../policy/sspr-policy.js';
import type { Registration } from '../store/registrations-repository.js';
import type { UserRecord } from '../store/users-repository.js';
import type { AgentStatus } from '../writeback/agents-repository.js';
import type { AccountInspection, ServiceProbe } from '../writeback/directory-inspector.js';
import type { DoctorEvent } from '../store/doctor-repository.js';

/** What the service-level checks look at; read once per run. */
export interface ServiceFacts {
  now: number;
  config: Config;
  /** The stored policy, and the method types this service can actually deliver. */
  policy: SsprPolicy;
  availableTypes: MethodType[];
  directoryKind: 'ldap' | 'ad' | null;
  agents: AgentStatus[];
  /** Null when no inspector exists (no directory, or agent mode without an agent-backed inspector). */
  probe: ServiceProbe | null;
  probeError: string | null;
  smtpConfigured: boolean;
  smsConfigured: boolean;
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
  passwordEvent: DoctorEvent | null;
  deliveries: DoctorEvent[];
  writeOutcome: DoctorEvent | null;
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
