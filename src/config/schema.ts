import { isIP } from 'node:net';
import { z } from 'zod';
import { smsConfigSchema, smsProviders, smsSecretPaths } from '../sms/registry.js';
import { directorySectionSchema } from '../directory/registry.js';

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
  audit: z
    .strictObject({
      /** Days an audit event is kept; housekeeping deletes older ones in bounded batches. */
      retentionDays: z.number().int().min(1).max(36500).default(365),
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
    })
    .prefault({}),
  rateLimit: z
    .strictObject({
      /** Requests per IP and minute to flow and sign-in endpoints; 0 switches the limit off. */
      perIpPerMinute: z.number().int().min(0).default(300),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
  secrets: z
    .strictObject({
      /** 32 random bytes, base64. Every key the service uses is derived from it. Generated into DATA_DIR when unset. */
      masterKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, '32 bytes in base64').optional(),
    })
    .prefault({}),
}).superRefine((config, ctx) => {
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
export const secretPaths = new Set(['secrets.masterKey', 'smtp.url', 'databaseUrl', ...smsSecretPaths.map((key) => `sms.${key}`), 'directory.bindPassword']);
