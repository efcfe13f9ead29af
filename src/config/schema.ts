import { isIP } from 'node:net';
import { z } from 'zod';
import { smsConfigSchema, smsProviders, smsSecretPaths } from '../sms/registry.js';
import { directorySectionSchema } from '../directory/registry.js';
import { auditSinkSchema, auditSinkSecretKeys } from '../audit/sinks/registry.js';
import { cronProblem } from './cron-expression.js';

/** A cron expression (5 fields, or 6 with seconds first), checked by the scheduler's own parser. */
const cronExpression = z.string().min(1).max(200).superRefine((text, ctx) => {
  const problem = cronProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: `not a cron expression ("${text}"): ${problem}` });
});

/** A list key: a JSON array in the file, or values separated by commas in an environment variable. */
function listFromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.split(',').map((part) => part.trim()).filter((part) => part !== '').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The most worker processes `http.workers` may ask for. */
const MAX_WORKERS = 64;
const WORKERS_EXPECTED = { error: `expected a whole number from 1 to ${MAX_WORKERS}, or "auto" (one worker per core)` };

/** SSPR_HTTP_WORKERS as text: `auto`, or a number. */
function workersFromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

const reminderChannels = z.preprocess(listFromText, z.array(z.enum(['email', 'sms'])).min(1).max(2));

/**
 * The whole configuration. Every key can come from the config file (JSON) or from an environment variable
 * named SSPR_ + the dotted path in UPPER_SNAKE case (`reset.codeTtlSeconds` → SSPR_RESET_CODE_TTL_SECONDS).
 * Objects are strict: an unknown key stops start-up with its dotted path.
 */
export const configSchema = z.strictObject({
  /** TCP port of the web server. */
  port: z.number().int().min(0).max(65535).default(8080),
  /** Interface to listen on. */
  host: z.string().min(1).default('127.0.0.1'),
  /** The address users reach the service at; links in mails are built from it, never from the Host header. */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Folder for the SQLite database and generated keys. */
  dataDir: z.string().min(1).default('./data'),
  /** `postgres://…` selects PostgreSQL; `sqlite:PATH` or empty selects SQLite (default DATA_DIR/sspr.db). */
  databaseUrl: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'expected sqlite:PATH or postgres://user@host:port/database (the value is not shown: it may hold a password)')
    .optional(),
  /** Demo mode: mail is also shown on /demo/outbox. `sspr demo` turns it on. */
  demo: z.boolean().default(false),
  /**
   * Which X-Forwarded-For hops to believe: false (none), a hop count (the nearest N proxies), or the proxies'
   * addresses/CIDRs; the client address is the right-most hop not trusted. `true` believes every hop, so a
   * client can choose its own address: only when the proxy overwrites the header.
   */
  trustProxy: z.preprocess(trustProxyFromText, z.union([
    z.boolean(),
    z.number().int().min(1).max(32),
    z.array(z.string().refine(isAddressOrCidr, 'expected an IP address or CIDR (e.g. 10.0.0.0/8)')).min(1),
  ])).default(false),
  organisation: z
    .strictObject({
      /** Shown in pages and mails. */
      name: z.string().min(1).max(100).default('sspr'),
    })
    .prefault({}),
  smtp: z
    .strictObject({
      /** e.g. smtp://127.0.0.1:2525 or smtps://user:pass@mail.example.org:465; unset = no mail is delivered. */
      url: z.string().regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL').optional(),
      /** Sender address of every mail. */
      from: z.string().min(3).default('sspr <no-reply@localhost>'),
    })
    .prefault({}),
  sms: z
    .strictObject({
      /** none: no SMS method; webhook: signed JSON POST to `url`; twilio: Twilio's REST API. */
      provider: z.enum(['none', ...smsProviders]).default('none'),
      /** webhook: receiver URL (https, or http to localhost). */
      url: z.string().optional(),
      /** webhook: HMAC-SHA256 key shared with the receiver (≥ 16 characters). */
      secret: z.string().optional(),
      /** twilio: Account SID (AC…), auth token, sender number or messaging service SID, API base URL. */
      accountSid: z.string().optional(),
      authToken: z.string().optional(),
      from: z.string().optional(),
      messagingServiceSid: z.string().optional(),
      baseUrl: z.string().optional(),
      /** Milliseconds before a send counts as failed. */
      timeoutMs: z.number().int().optional(),
      /** Country assumed for phone numbers typed without a country code (ISO 3166 alpha-2). */
      defaultCountry: z.string().regex(/^[A-Z]{2}$/).default('DE'),
    })
    .prefault({}),
  captcha: z.enum(['on', 'off']).default('on'),
  /**
   * The on-premises directory accounts are synced from and written back to ("direct" mode):
   * `{"kind": "ldap", …}` (OpenLDAP) or `{"kind": "ad", …}` (Active Directory); see the README for the keys.
   * As an environment variable: SSPR_DIRECTORY='{"kind":"ldap",…}', and SSPR_DIRECTORY_BIND_PASSWORD_FILE for its
   * `bindPasswordFile` (so the JSON itself can stay free of secrets).
   */
  directory: directorySectionSchema.optional(),
  /**
   * Password writeback to the on-premises `directory`: `direct` (this server writes itself) or `agent` (an
   * enrolled agent next to the directory does). `heartbeatSeconds`: how often agents report; the doctor calls an
   * agent gone after three missed heartbeats.
   */
  writeback: z
    .strictObject({
      enabled: z.boolean().default(true),
      mode: z.enum(['direct', 'agent']).default('direct'),
      heartbeatSeconds: z.number().int().min(5).max(3600).default(30),
      /** Agent mode: seconds a user waits for the agent's answer before the change fails with a clear error. */
      jobTimeoutSeconds: z.number().int().min(2).max(60).default(10),
    })
    .prefault({}),
  sync: z
    .strictObject({
      /**
       * `sspr serve` syncs the directory at start-up and then every this many minutes (incremental, the first run
       * full; never two at once) — its own `directory`, or in agent mode without one through an agent; 0 = off.
       */
      intervalMinutes: z.number().int().min(0).max(10080).default(0),
      /**
       * Cron expression of a full sync (e.g. "0 2 * * *"): incremental runs cannot see deleted accounts, a full
       * one disables them. Runs on one node per occurrence; unset = no scheduled full sync.
       */
      fullSchedule: cronExpression.optional(),
    })
    .prefault({}),
  reminders: z
    .strictObject({
      /** Language of reminder mails and SMS (accounts carry no language of their own). */
      language: z.enum(['en', 'de']).default('en'),
      expiry: z
        .strictObject({
          /** Cron expression of the expiry-reminder run (e.g. "0 8 * * *"); unset = no scheduled run. */
          schedule: cronExpression.optional(),
          /** Days before expiry a reminder goes out; each once per password. */
          days: z.preprocess(listFromText, z.array(z.number().int().min(1).max(365)).min(1).max(10)).default([14, 7, 3, 1]),
          channels: reminderChannels.default(['email']),
          /** Also one mail a day to each manager (the account's `manager`) listing their people's expiring passwords. */
          managerSummary: z.boolean().default(false),
          /**
           * Cloud-only accounts: days after a password change the reminders count it expired (0 = never). The
           * reminders use it; sign-in does not refuse an older password.
           */
          cloudOnlyMaxAgeDays: z.number().int().min(0).max(3650).default(0),
        })
        .prefault({}),
      enrolment: z
        .strictObject({
          /** Cron expression of the enrolment-reminder run; unset = no scheduled run. */
          schedule: cronExpression.optional(),
          /** Days between two reminders to the same account. */
          everyDays: z.number().int().min(1).max(365).default(7),
          /** Reminders per account at most. */
          maxReminders: z.number().int().min(1).max(100).default(3),
          channels: reminderChannels.default(['email']),
        })
        .prefault({}),
    })
    .prefault({}),
  reset: z
    .strictObject({
      /** Digits in a one-time code (≥ 6, OWASP). */
      codeLength: z.number().int().min(6).max(10).default(6),
      /** Lifetime of a code in seconds (Entra: 5 minutes). */
      codeTtlSeconds: z.number().int().min(60).max(600).default(300),
      /** Wrong entries allowed per code before it is void. */
      maxCodeAttempts: z.number().int().min(1).max(10).default(3),
      /** Lifetime of a whole reset in seconds (Entra: 15 minutes). */
      flowTtlSeconds: z.number().int().min(120).max(3600).default(900),
      /** Codes that may be requested within one reset. */
      maxSendsPerFlow: z.number().int().min(1).max(20).default(5),
    })
    .prefault({}),
  password: z
    .strictObject({
      /** Minimum length in Unicode code points after NFC. */
      minLength: z.number().int().min(8).max(64).default(8),
      /** Maximum length in code points; never below 64 (NIST 800-63B). */
      maxLength: z.number().int().min(64).max(1024).default(256),
      /** AD-style complexity (3 of upper, lower, digit, other); off by default (NIST: no composition rules). */
      requireThreeClasses: z.boolean().default(false),
      /** Recent passwords a cloud-only user may not reuse, the current one included (0 = no check). */
      historyLength: z.number().int().min(0).max(24).default(1),
      /** Refuse passwords on the shipped list of common passwords. */
      checkCommonPasswords: z.boolean().default(true),
      /** Refuse passwords found in the breach corpus or range API, when one is configured. */
      checkBreached: z.boolean().default(true),
      /** Minimum zxcvbn score 0–4 (0 switches the strength rule off). */
      minStrengthScore: z.number().int().min(0).max(4).default(2),
      /** Breach corpus made by `sspr breach import`; default DATA_DIR/breach-corpus.bin when that file exists. */
      breachCorpusFile: z.string().min(1).optional(),
      /** HIBP-compatible k-anonymity range API base URL (GET {url}/range/{5 hex}); off when unset. */
      breachRangeUrl: z.url({ protocol: /^https?$/ }).optional(),
    })
    .prefault({}),
  session: z
    .strictObject({
      /** Sign-in session lifetime in seconds. */
      ttlSeconds: z.number().int().min(60).max(86400).default(3600),
    })
    .prefault({}),
  console: z
    .strictObject({
      session: z
        .strictObject({
          /** Minutes without a console request after which a console session ends (sign in again). */
          idleMinutes: z.number().int().min(1).max(240).default(15),
          /** Hours after sign-in after which a session may no longer use the console, however busy. */
          absoluteHours: z.number().int().min(1).max(24).default(8),
        })
        .prefault({}),
      stepUp: z
        .strictObject({
          /** Minutes a proof of the second method counts as recent: acting for another user needs one this fresh. */
          recentMinutes: z.number().int().min(1).max(60).default(5),
        })
        .prefault({}),
    })
    .prefault({}),
  http: z
    .strictObject({
      /** Seconds a client has to send one whole request, headers and body; slower clients are cut off. */
      requestTimeoutSeconds: z.number().int().min(1).max(600).default(30),
      /** Seconds a client has to send the request headers (at most the request timeout). */
      headersTimeoutSeconds: z.number().int().min(1).max(600).default(10),
      /** Seconds an idle keep-alive connection stays open between requests. */
      keepAliveTimeoutSeconds: z.number().int().min(1).max(600).default(5),
      /** Open connections at most; the server refuses further ones until some close. */
      maxConnections: z.number().int().min(1).default(1024),
      /**
       * Processes serving requests on the one listening port: a whole number, or `auto` for one per core the process
       * may use. With more than one, a small primary process starts them and replaces one that dies; each holds its
       * own memory.
       */
      workers: z.preprocess(workersFromText, z.union([z.literal('auto'), z.number().int(WORKERS_EXPECTED).min(1, WORKERS_EXPECTED).max(MAX_WORKERS, WORKERS_EXPECTED)], WORKERS_EXPECTED)).default(1),
    })
    .prefault({}),
  rateLimit: z
    .strictObject({
      /** Requests per IP and minute to flow and sign-in endpoints; 0 switches the limit off. */
      perIpPerMinute: z.number().int().min(0).default(300),
    })
    .prefault({}),
  audit: z
    .strictObject({
      /** Days an audit event is kept; housekeeping deletes older ones in bounded batches. */
      retentionDays: z.number().int().min(1).max(36500).default(365),
      /**
       * Where audit events go besides the store, each `{"kind": "syslog" | "webhook" | "log", "id": …}` (see
       * docs/operations.md). As an environment variable: SSPR_AUDIT_SINKS='[{…}]'.
       */
      sinks: z.array(auditSinkSchema).max(20).default([]).refine((sinks) => new Set(sinks.map((sink) => sink.id)).size === sinks.length, 'every sink needs its own id'),
      delivery: z
        .strictObject({
          /** Attempts per event and sink before it becomes a dead letter (`sspr audit replay --dead-letter`). */
          maxAttempts: z.number().int().min(1).max(100).default(12),
          /** Seconds before the first retry; doubled for each further one (with jitter), at most `maxBackoffSeconds`. */
          initialBackoffSeconds: z.number().int().min(1).max(3600).default(5),
          maxBackoffSeconds: z.number().int().min(1).max(86_400).default(3600),
          /** Deliveries running at once, all sinks together. */
          concurrency: z.number().int().min(1).max(64).default(4),
          /** Days a delivered row is kept (for `sspr audit replay`); the event itself stays in the trail. */
          keepDeliveredDays: z.number().int().min(0).max(365).default(7),
        })
        .prefault({}),
    })
    .prefault({}),
  outbox: z
    .strictObject({
      /** Attempts per mail or SMS before it is given up (kept as a dead letter, audited). */
      maxAttempts: z.number().int().min(1).max(100).default(10),
      initialBackoffSeconds: z.number().int().min(1).max(3600).default(5),
      maxBackoffSeconds: z.number().int().min(1).max(86_400).default(900),
      /** Sends running at once. */
      concurrency: z.number().int().min(1).max(64).default(8),
      /** Seconds one send may take. */
      timeoutSeconds: z.number().int().min(1).max(300).default(30),
      /** On shutdown, seconds to wait for sends in flight; what is left stays queued for the next start. */
      shutdownDeadlineSeconds: z.number().int().min(0).max(600).default(10),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      /** Serve /metrics on this port of its own (no token needed unless `token` is set too); unset = not on a port of its own. */
      port: z.number().int().min(1).max(65535).optional(),
      /** Interface of the metrics port. */
      host: z.string().min(1).default('127.0.0.1'),
      /** Bearer token for /metrics (≥ 32 characters); with it and no `port`, /metrics is served on the main port. */
      token: z.string().min(32).optional(),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
  integrity: z
    .strictObject({
      /** Days the "this wasn't me" link of a notice works (single use). */
      notMeLinkDays: z.number().int().min(1).max(30).default(7),
    })
    .prefault({}),
  templates: z
    .strictObject({
      /**
       * Folder of the operator's mail and SMS texts, `<dir>/<lang>/<domain>.json` in the shipped message format; each
       * file is checked at start-up (unknown key, other placeholders, bad JSON or ICU stop it with file and line).
       */
      dir: z.string().min(1).optional(),
    })
    .prefault({}),
  branding: z
    .strictObject({
      /** A PNG, JPEG, WebP or SVG file of at most 256 KiB, served as /branding/logo. */
      logoFile: z.string().min(1).optional(),
      /** The accent colour of pages (buttons, links), `#rrggbb`. */
      primaryColour: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour written #rrggbb').optional(),
      /** The name pages and mails show (default: organisation.name). */
      organisationName: z.string().min(1).max(120).optional(),
      /** The help desk, on every page's footer and in every mail. */
      helpdesk: z
        .strictObject({
          phone: z.string().min(1).max(40).regex(/^[+0-9 ()./-]+$/, 'a phone number (digits, spaces, + ( ) . / -)').optional(),
          url: z.url({ protocol: /^https?$/ }).optional(),
        })
        .prefault({}),
      /** A stylesheet of at most 256 KiB, served as /branding/custom.css after the service's own. */
      cssFile: z.string().min(1).optional(),
    })
    .prefault({}),
  secrets: z
    .strictObject({
      /** 32 random bytes, base64. Every key the service uses is derived from it. Generated into DATA_DIR when unset. */
      masterKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, '32 bytes in base64').optional(),
    })
    .prefault({}),
}).superRefine((config, ctx) => {
  if (config.http.workers !== 1) {
    const sqlite = !config.databaseUrl?.startsWith('postgres');
    // Agent jobs wake the node holding the agent's connection by an in-process signal on SQLite (node-signals.ts).
    if (sqlite && config.writeback.enabled && config.writeback.mode === 'agent') {
      ctx.addIssue({ code: 'custom', path: ['http', 'workers'], message: 'more than one worker with writeback.mode "agent" needs PostgreSQL (databaseUrl): on SQLite an agent job reaches only the worker that holds the agent\'s connection' });
    }
    // The demo outbox page shows the mail of the process that answers it.
    if (config.demo) ctx.addIssue({ code: 'custom', path: ['http', 'workers'], message: 'demo mode runs one worker: its outbox page shows the mail of one process' });
  }
  // The SMS section is flat (one environment variable per key); the provider's own schema checks it.
  if (config.sms.provider === 'none') return;
  const { defaultCountry: _country, ...section } = config.sms;
  const result = smsConfigSchema.safeParse(Object.fromEntries(Object.entries(section).filter(([, v]) => v !== undefined)));
  if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['sms', ...issue.path] as PropertyKey[] });
});

/** SSPR_TRUST_PROXY as text: `true`/`false`, a hop count, or addresses/CIDRs separated by commas. */
function trustProxyFromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^\d+$/.test(text)) return Number(text);
  return text.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

function isAddressOrCidr(text: string): boolean {
  const [address = '', prefix, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Dotted paths whose values are never printed. */
export const secretPaths = new Set(['secrets.masterKey', 'smtp.url', 'databaseUrl', 'metrics.token', ...auditSinkSecretKeys.map((key) => `audit.sinks.*.${key}`), ...smsSecretPaths.map((key) => `sms.${key}`), 'directory.bindPassword']);

/** Whether /metrics can be scraped: on a port of its own (`metrics.port`), or behind `metrics.token` on the main port. */
export function metricsServed(config: Pick<Config, 'metrics'>): boolean {
  return config.metrics.port !== undefined || config.metrics.token !== undefined;
}
