import type { Generated } from 'kysely';

/**
 * Table shapes shared by SQLite and PostgreSQL. Portable types only: text, integer (0/1 for flags),
 * bigint epoch milliseconds for times (parsed to number on PostgreSQL), JSON kept as text.
 */
export interface UsersTable {
  id: string;
  username: string;
  /** Lower-cased, NFC username: the unique key for lookups. */
  username_key: string;
  display_name: string;
  first_name: string;
  last_name: string;
  email: string | null;
  mobile: string | null;
  enabled: number;
  is_admin: number;
  /** The helpdesk role (0/1); the roles are listed in src/admin/roles.ts. */
  is_helpdesk: Generated<number>;
  /** A helpdesk grant limited to this group's members (its name); null: every account without a role. */
  helpdesk_scope: Generated<string | null>;
  /** Where the account lives: 'local' (cloud-only), or the directory kind that manages it ('ldap', 'ad'). */
  source: string;
  password_hash: string | null;
  password_changed_at: number | null;
  created_at: number;
  updated_at: number;
  /** Directory accounts: entryUUID / objectGUID (the sync anchor) and the DN last seen. */
  anchor: string | null;
  dn: string | null;
  /** When the password expires (directory accounts, from the sync); null: never, unknown, or must change now. */
  password_expires_at: Generated<number | null>;
  /** Directory accounts: the DN of the account's manager (AD/inetOrgPerson `manager`), from the sync. */
  manager_dn: Generated<string | null>;
  /** FieldCipher.lookupTag of the normalised e-mail address ('' without one; null until the backfill reached the row). */
  email_lookup: Generated<string | null>;
}

export interface GroupsTable {
  id: string;
  name: string;
  name_key: string;
  created_at: number;
  source: Generated<string>;
  anchor: string | null;
  dn: string | null;
}

export interface GroupMembersTable {
  group_id: string;
  member_type: 'user' | 'group';
  member_id: string;
}

export interface LicenceAssignmentsTable {
  plan: string;
  principal_type: 'user' | 'group';
  principal_id: string;
}

export interface ResetFlowsTable {
  /** SHA-256 of the flow id; the id itself is a bearer secret held only by the client. */
  id_digest: string;
  /** Null for a decoy flow (unknown user): it behaves like a real one but can never succeed. */
  user_id: string | null;
  username: string;
  state: 'started' | 'verified' | 'completing' | 'completed';
  /** JSON: [{id, type, hint}] offered at start. */
  methods: string;
  /** JSON: ids of methods verified so far. */
  verified: string;
  required: number;
  sends: number;
  created_at: number;
  expires_at: number;
  /** When the flow entered `completing` (the claim of the request that sets the password); null before. */
  claimed_at: number | null;
}

export interface ResetCodesTable {
  id: Generated<number>;
  flow_digest: string;
  method_id: string;
  /** HMAC of the code under the code-hash key, bound to flow and method. */
  code_hash: string;
  attempts: number;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
}

export interface SessionsTable {
  id_digest: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  /** When the session last proved a second method for the console (null: never). */
  stepped_up_at: number | null;
  /** The method type of that proof. */
  step_up_method: string | null;
  /** The session's last console request (the console's idle timeout counts from here). */
  console_seen_at: number | null;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  event: string;
  outcome: string;
  user_id: string | null;
  username: string | null;
  flow: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON with non-secret detail (error codes, method type). */
  detail: string | null;
}

/** The organisation's own banned password terms (Entra's custom list, up to 1000). */
export interface BannedTermsTable {
  term: string;
  created_at: number;
}

/** Earlier password hashes of cloud-only users (Argon2id), newest last; for "no reuse of the last N". */
export interface PasswordHistoryTable {
  user_id: string;
  password_hash: string;
  created_at: number;
}

/** A verification method a user registered; `data` is encrypted JSON whose shape depends on `type`. */
export interface MethodRegistrationsTable {
  id: string;
  user_id: string;
  type: string;
  data: string;
  created_at: number;
  confirmed_at: number;
  last_used_at: number | null;
  /** FieldCipher.lookupTag of a registered e-mail address ('' for other data; null until the backfill reached the row). */
  contact_lookup: Generated<string | null>;
}

/** Short-lived server-side state of a challenge in progress (enrolment, drawn questions, WebAuthn). */
export interface PendingChallengesTable {
  key: string;
  /** Encrypted JSON. */
  data: string;
  attempts: number;
  expires_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface ThrottleEventsTable {
  id: Generated<number>;
  scope: string;
  at: number;
}

export interface RateLimitWindowsTable {
  key: string;
  window_start: number;
  hits: number;
}

export interface ThrottleBlocksTable {
  scope: string;
  until: number;
  reason: string;
  /** The account a user-name block stops, when the name was an account's as the block was set (migration 023). */
  user_id: string | null;
}

/** High-water mark of the last successful sync per directory. */
export interface SyncStateTable {
  source: string;
  marker: string;
  updated_at: number;
}

/** An enrolled writeback agent and what its last heartbeat said. */
export interface AgentsTable {
  id: string;
  name: string;
  /** The directory kind it writes to ('ldap' | 'ad'), matched against users.source. */
  directory: string;
  public_key: string;
  fingerprint: string;
  /** Ed25519 SPKI PEM the agent signs its hello with. */
  identity_key: string;
  enrolled_at: number;
  revoked_at: number | null;
  version: string | null;
  /** The server node holding its WebSocket, null while disconnected. */
  connected_node: string | null;
  connected_at: number | null;
  last_seen_at: number | null;
  clock_offset_ms: number | null;
  heartbeat_seconds: number | null;
  /** JSON AgentReport: directory reachability, probe details, recent connection errors. */
  report: string | null;
  /** Sealed-envelope version negotiated at its last hello; null: none announced (the legacy envelope). */
  envelope_version: number | null;
  /** JSON array of the optional protocol features announced at its last hello; null: not recorded yet. */
  features: string | null;
}

export interface AgentEnrolmentTokensTable {
  token_hash: string;
  directory: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  agent_id: string | null;
}

/** One delivery to make: an audit event to one sink (`queue` 'audit'), or one mail/SMS (`queue` 'outbox'). */
export interface DeliveryQueueTable {
  id: Generated<number>;
  queue: string;
  /** The sink id (audit) or the channel, `mail` or `sms` (outbox). */
  sink: string;
  /** queued | delivered | dead. */
  state: string;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  event_id: number | null;
  payload: string | null;
  tag: string | null;
  lease_until: number | null;
  leased_by: string | null;
  last_error: string | null;
  delivered_at: number | null;
}

/** One directory operation carried out by an agent. `envelopes` is emptied when the job ends. */
export interface WritebackJobsTable {
  id: string;
  user_id: string;
  username: string;
  operation: string;
  directory: string;
  /** What started it: 'reset' | 'change' | 'unlock' | 'admin-reset'. */
  origin: string;
  /** JSON {agentId: sealed envelope}; null once the job has ended. */
  envelopes: string | null;
  /** JSON array of the optional agent features the job needs (protocol.ts agentFeatures); null: none. */
  features: string | null;
  /** pending → dispatched → succeeded | failed */
  state: string;
  agent_id: string | null;
  node_id: string | null;
  created_at: number;
  deadline_at: number;
  dispatched_at: number | null;
  finished_at: number | null;
  /** DirectoryFailure or gateway reason on failure. */
  reason: string | null;
  /** The directory's own text (audit only). */
  raw: string | null;
}

/** An administrator API token (`sspr admin token create`); the secret is stored only as its SHA-256. */
export interface AdminTokensTable {
  id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  /** read-only | helpdesk | admin (src/admin/admin-tokens.ts). */
  scope: Generated<string>;
  expires_at: number | null;
}

/** The shared data-encryption keyring (one row, id 1); see migration 009-keyring. */
export interface KeyringTable {
  id: number;
  version: number;
  current_key_id: string;
  /** HMAC of a fixed text under the master key's keyring key: tells a wrong master key from a right one. */
  master_check: string;
  updated_at: number;
}

/** One data-encryption key, wrapped under the master key's keyring key. */
export interface KeyringKeysTable {
  id: string;
  wrapped_key: string;
  created_at: number;
}

/** One reminder that went (or is going) out: the key is what makes it go out once across restarts and nodes. */
export interface ReminderClaimsTable {
  /** 'expiry' | 'manager-summary'. */
  kind: string;
  /** The user the reminder is about (expiry) or goes to (manager summary). */
  subject: string;
  /** Expiry: `<password changed at>:<days>`; manager summary: the UTC day. */
  occasion: string;
  claimed_at: number;
}

/** How often an account was reminded to register methods, and when last. */
export interface EnrolmentRemindersTable {
  user_id: string;
  sent_count: number;
  last_sent_at: number;
}

/** One occurrence of a scheduled job (cron), claimed by the node that runs it. */
export interface ScheduledRunsTable {
  job: string;
  /** The scheduled time, epoch ms. */
  occurrence: number;
  node: string;
  started_at: number;
}

/** A helpdesk caller verification (migration 015); codes are stored only as an HMAC bound to the row. */
export interface HelpdeskVerificationsTable {
  id: string;
  user_id: string;
  /** The operator's audit label (`user:NAME` or `token:ID`): the verification holds for this operator only. */
  operator: string;
  /** 'email' | 'sms' | 'totp' | 'reason' (no method: a recorded reason instead). */
  method: string;
  registration_id: string | null;
  code_hash: string | null;
  attempts: number;
  sends: number;
  reason: string | null;
  created_at: number;
  code_expires_at: number | null;
  verified_at: number | null;
  /** Until when reset and unlock are enabled for this operator and user. */
  grant_until: number | null;
  voided_at: number | null;
}

/** A "this wasn't me" link: the keyed digest of its token, whose notice it came with, until when it works. */
export interface NotMeLinksTable {
  digest: string;
  user_id: string;
  notice: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** An account whose self-service is frozen (someone followed a "this wasn't me" link). */
export interface AccountFreezesTable {
  user_id: string;
  username: string;
  notice: string;
  frozen_at: number;
  ip: string | null;
}

/** An operator's request that the owner register their methods again (their registrations were removed then). */
export interface ReregistrationRequestsTable {
  user_id: string;
  required_at: number;
  required_by: string;
}

export interface Database {
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  licence_assignments: LicenceAssignmentsTable;
  reset_flows: ResetFlowsTable;
  reset_codes: ResetCodesTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  banned_terms: BannedTermsTable;
  password_history: PasswordHistoryTable;
  method_registrations: MethodRegistrationsTable;
  pending_challenges: PendingChallengesTable;
  settings: SettingsTable;
  throttle_events: ThrottleEventsTable;
  throttle_blocks: ThrottleBlocksTable;
  rate_limit_windows: RateLimitWindowsTable;
  agents: AgentsTable;
  agent_enrolment_tokens: AgentEnrolmentTokensTable;
  writeback_jobs: WritebackJobsTable;
  delivery_queue: DeliveryQueueTable;
  sync_state: SyncStateTable;
  admin_tokens: AdminTokensTable;
  keyring: KeyringTable;
  keyring_keys: KeyringKeysTable;
  reminder_claims: ReminderClaimsTable;
  enrolment_reminders: EnrolmentRemindersTable;
  scheduled_runs: ScheduledRunsTable;
  helpdesk_verifications: HelpdeskVerificationsTable;
  not_me_links: NotMeLinksTable;
  account_freezes: AccountFreezesTable;
  reregistration_requests: ReregistrationRequestsTable;
}
