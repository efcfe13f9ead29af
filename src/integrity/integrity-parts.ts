import type { CountryCode } from 'libphonenumber-js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../store/clock.js';
import type { Audit } from '../audit/audit.js';
import type { MailDispatch, SmsDispatch } from '../delivery/background-delivery.js';
import type { ServiceKeys } from '../crypto/keys.js';
import type { AfterAnswer } from '../flows/reset/after-answer.js';
import type { PolicyStore } from '../policy/policy-store.js';
import type { UsersRepository } from '../store/users-repository.js';
import type { SessionsRepository } from '../store/sessions-repository.js';
import { IntegrityRepository } from '../store/integrity-repository.js';
import { RateLimitRepository } from '../store/rate-limit-repository.js';
import { ContactLookupRepository } from '../store/contact-lookup-repository.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { NotMeLinks } from './not-me-links.js';
import { AccountNotices } from './account-notices.js';
import { AccountFreeze } from './account-freeze.js';
import { UsernameReminder } from './username-reminder.js';

/** Recovery-path integrity: notices with "this wasn't me" links, the freeze they lead to, forgotten user names. */
export interface IntegrityParts {
  repository: IntegrityRepository;
  links: NotMeLinks;
  notices: AccountNotices;
  freeze: AccountFreeze;
  usernameReminder: UsernameReminder;
}

export interface IntegrityInputs {
  config: Config;
  db: Kysely<Database>;
  keys: ServiceKeys;
  cipher: FieldCipher;
  clock: Clock;
  audit: Audit;
  mail: MailDispatch;
  sms: SmsDispatch | null;
  users: UsersRepository;
  sessions: SessionsRepository;
  flows: { endOpenFlowsOfUser(userId: string, except: string | null): Promise<void> };
  registrations: { listForUser(userId: string): Promise<ReadonlyArray<{ type: string; data: unknown }>> };
  policy: PolicyStore;
  afterAnswer: AfterAnswer;
}

/** The address people open links at: `publicUrl`, else the listening address (a wildcard read as loopback). */
export function publicBaseUrl(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '[::1]' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}

/** The name pages and mails show. */
export function displayOrganisation(config: Pick<Config, 'branding' | 'organisation'>): string {
  return config.branding.organisationName ?? config.organisation.name;
}

export function createIntegrity(inputs: IntegrityInputs): IntegrityParts {
  const { config, db, keys, cipher, clock, audit, mail, sms, users, sessions, flows, registrations, policy, afterAnswer } = inputs;
  const organisation = displayOrganisation(config);
  const repository = new IntegrityRepository(db);
  const links = new NotMeLinks(repository, keys.keyFor('not-me-link'), clock, config.integrity.notMeLinkDays);
  const notices = new AccountNotices({
    registrations, links, mail, sms, audit, clock, organisation,
    enabled: async () => (await policy.current()).notifyUserOnReset,
    baseUrl: publicBaseUrl(config),
  });
  const freeze = new AccountFreeze({ repository, links, users, sessions, flows, mail, audit, clock, organisation });
  const usernameReminder = new UsernameReminder({
    contacts: new ContactLookupRepository(db, cipher), counters: new RateLimitRepository(db), mail, sms, afterAnswer, audit, clock,
    key: keys.keyFor('username-reminder'), organisation, defaultCountry: config.sms.defaultCountry as CountryCode,
  });
  return { repository, links, notices, freeze, usernameReminder };
}
