import type { Config } from '../config/schema.js';
import { deliverablePolicy } from '../policy/sspr-policy.js';
import type { Services } from '../app/services.js';
import { RemindersRepository } from '../store/reminders-repository.js';
import { ExpiryReminders } from './expiry-reminders.js';
import { EnrolmentReminders } from './enrolment-reminders.js';

export interface Reminders {
  store: RemindersRepository;
  expiry: ExpiryReminders;
  enrolment: EnrolmentReminders;
}

/** Where links in reminders point: the public URL (or, without one, the address the server listens on). */
export function linkBase(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  return (config.publicUrl ?? `http://${config.host}:${config.port}`).replace(/\/+$/, '');
}

/** The reminder runs of a wired service, as the configuration sets them. */
export function remindersFor(services: Omit<Services, 'reminders' | 'close'>, store: RemindersRepository): Reminders {
  const { config, clock, mail, sms, audit } = services;
  const base = linkBase(config);
  const common = { language: config.reminders.language, organisation: config.organisation.name };
  const expiry = new ExpiryReminders({
    store,
    clock,
    mail,
    sms,
    audit,
    settings: { ...common, ...config.reminders.expiry, changeUrl: `${base}/account` },
  });
  const enrolment = new EnrolmentReminders({
    store,
    users: { findById: (id) => services.users.findById(id) },
    registrations: services.registrations,
    groups: services.groups,
    licences: services.licences,
    policy: async () => deliverablePolicy(await services.policy.current(), (type) => services.methods.has(type)),
    clock,
    mail,
    sms,
    audit,
    settings: { ...common, ...config.reminders.enrolment, registerUrl: `${base}/account/security` },
  });
  return { store, expiry, enrolment };
}
