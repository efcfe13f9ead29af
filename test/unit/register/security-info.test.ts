import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { openTestStore } from '../../support/test-store.js';
import { ManualClock } from '../../support/manual-clock.js';
import type { Store } from '../../../src/store/database.js';
import { FieldCipher } from '../../../src/crypto/field-cipher.js';
import { UsersRepository } from '../../../src/store/users-repository.js';
import { FlowsRepository } from '../../../src/store/flows-repository.js';
import { RegistrationsRepository } from '../../../src/store/registrations-repository.js';
import { ChallengesRepository } from '../../../src/store/challenges-repository.js';
import { SettingsRepository } from '../../../src/store/settings-repository.js';
import { AuditRepository } from '../../../src/store/audit-repository.js';
import { ThrottleRepository } from '../../../src/store/throttle-repository.js';
import { PolicyStore } from '../../../src/policy/policy-store.js';
import { Audit } from '../../../src/audit/audit.js';
import { OneTimeCodes } from '../../../src/methods/one-time-code.js';
import { createEnrolments, methodTypes, type MethodType } from '../../../src/methods/index.js';
import { maskEmail, type MethodHint } from '../../../src/methods/hints.js';
import type { RegistrationDataByType } from '../../../src/methods/records.js';
import { SecurityInfo } from '../../../src/flows/register/security-info.js';
import { EnrolmentCodeLimits, enrolmentCodeLimits } from '../../../src/methods/enrolment-code-limits.js';
import { DeliveryQueueRepository } from '../../../src/store/delivery-queue-repository.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { BackgroundDelivery, MailDispatch, SmsDispatch } from '../../../src/delivery/background-delivery.js';
import type { DirectoryUser } from '../../../src/directory/directory.js';
import { SsprError } from '../../../src/errors/sspr-error.js';

interface Sent {
  to: string;
  code: string;
  /** Subject line or SMS text: what the message says it is for. */
  says: string;
}

const request = { lang: 'en' as const, ip: '192.0.2.1', userAgent: 'test' };

const refusedWith = (code: string) => (error: unknown) => error instanceof SsprError && error.code === code;

/**
 * The security-info rules on a store and fake channels: no server, no SMTP, no SMS gateway.
 */
describe('security info (enrolment rules)', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let clock: ManualClock;
  let sent: Sent[];
  let info: SecurityInfo;
  let policy: PolicyStore;
  let registrations: RegistrationsRepository<RegistrationDataByType>;
  let users: UsersRepository;

  /** A user in the store (registrations belong to one). */
  const userNamed = async (username: string, isAdmin = false): Promise<DirectoryUser> => {
    const record = await users.add({ username, email: `${username}@example.org`, isAdmin });
    return { id: record.id, username, displayName: username, firstName: '', lastName: '', email: `${username}@example.org`, mobile: null, enabled: true, isAdmin, source: 'local', anchor: null };
  };

  before(async () => {
    ({ store, cleanup } = await openTestStore('sqlite'));
  });
  after(async () => {
    await store?.close();
    await cleanup();
  });

  let delivery: BackgroundDelivery;
  const build = (options: { sms?: boolean; available?: MethodType[] } = {}) => {
    const cipher = new FieldCipher({ currentKeyId: 'k0', keys: new Map([['k0', randomBytes(32)]]) });
    registrations = new RegistrationsRepository<RegistrationDataByType>(store.db, cipher);
    users = new UsersRepository(store.db, clock, cipher);
    const challenges = new ChallengesRepository(store.db, cipher);
    const audit = new Audit(new AuditRepository(store.db), clock, pino({ level: 'silent' }));
    policy = new PolicyStore(new SettingsRepository(store.db), clock, null);
    const codeKey = randomBytes(32);
    sent = [];
    const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? '';
    delivery = new BackgroundDelivery({
      queue: new DeliveryQueueRepository(store.db, store.dialect), cipher, clock, audit, log: pino({ level: 'silent' }), metrics: Metrics.inert(), nodeId: 'test',
      settings: { maxAttempts: 1, initialBackoffMs: 1000, maxBackoffMs: 1000, concurrency: 4, attemptTimeoutMs: 5000 },
      senders: {
        mail: { send: async (m) => void sent.push({ to: m.to, code: codeIn(m.text), says: `${m.subject}\n${m.text}` }), close: async () => {} },
        sms: { kind: 'test', send: async (m) => (sent.push({ to: m.to, code: codeIn(m.text), says: m.text }), {}) },
      },
    });
    const mail = new MailDispatch(delivery);
    const sms = new SmsDispatch(delivery);
    const enrolments = createEnrolments({
      flows: new FlowsRepository<MethodType, MethodHint>(store.db), registrations, challenges, policy, clock, mail, sms: options.sms === false ? null : sms, passkeys: null,
      codes: new OneTimeCodes(codeKey, clock, { codeLength: 6, codeTtlSeconds: 600, maxCodeAttempts: 3 }),
      organisation: 'Example', recoveryKey: randomBytes(32),
      limits: new EnrolmentCodeLimits(new ThrottleRepository(store.db, codeKey), clock, codeKey), defaultCountry: 'DE',
    });
    info = new SecurityInfo({ registrations, policy, audit, clock, enrolments, available: new Set(options.available ?? methodTypes.filter((t) => t !== 'passkey')), notices: { send: async () => undefined }, freeze: { expectNotFrozen: async () => undefined } });
  };
  /** Begins an e-mail or SMS enrolment and waits until the message is out. */
  const sendEmail = async (to: DirectoryUser, address: string) => {
    const answer = await info.begin(to, 'email', { address }, request);
    await delivery.drain();
    return answer.show as { hint: string };
  };
  const sendSms = async (to: DirectoryUser, phone: string) => {
    await info.begin(to, 'sms', { phone }, request);
    await delivery.drain();
  };
  const confirmCode = async (by: DirectoryUser, type: 'email' | 'sms', code: string) => (await info.confirm(by, type, { code }, request)).method!;

  let serial = 0;
  let user: DirectoryUser;
  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 1) + ++serial * 10 * 86_400_000);
    build();
    user = await userNamed(`user${serial}`);
  });

  it('registers a typed address only once the code sent there comes back, with the reset code rules', async () => {
    const begun = await sendEmail(user, ' new.address@example.net ');
    assert.equal(begun.hint, maskEmail('new.address@example.net'));
    assert.deepEqual(sent.map((s) => s.to), ['new.address@example.net']);
    assert.match(sent[0]!.says, /confirm this address/);
    assert.match(sent[0]!.says, /not a password reset code/);
    assert.deepEqual(await registrations.listForUser(user.id), [], 'nothing is half-registered');

    const code = sent[0]!.code;
    await assert.rejects(confirmCode(user, 'email', '12'), refusedWith('code-malformed'));
    const wrong = code === '000000' ? '111111' : '000000';
    await assert.rejects(confirmCode(user, 'email', wrong), (e) => refusedWith('code-wrong')(e) && (e as SsprError<'code-wrong'>).params?.remaining === 2);
    const registered = await confirmCode(user, 'email', code.replace(/(\d{3})/, '$1 '));
    assert.equal(registered.type, 'email');
    assert.equal(registered.label, maskEmail('new.address@example.net'));
    await assert.rejects(confirmCode(user, 'email', code), refusedWith('code-expired'), 'single use');
  });

  it('a code lapses, a new code voids the old one, and wrong tries are limited', async () => {
    await sendEmail(user, 'a@example.net');
    clock.advance(601_000);
    await assert.rejects(confirmCode(user, 'email', sent[0]!.code), refusedWith('code-expired'));

    await sendEmail(user, 'a@example.net');
    await sendEmail(user, 'a@example.net');
    const [older, newer] = [sent[1]!.code, sent[2]!.code];
    if (older !== newer) await assert.rejects(confirmCode(user, 'email', older), refusedWith('code-wrong'));
    const wrong = newer === '000000' ? '111111' : '000000';
    await assert.rejects(confirmCode(user, 'email', wrong));
    await assert.rejects(confirmCode(user, 'email', wrong), refusedWith('code-attempts-exhausted'));
    await assert.rejects(confirmCode(user, 'email', newer), refusedWith('code-attempts-exhausted'), 'out of tries, even the right code fails');
  });

  it('a code confirms only the enrolment it was sent for', async () => {
    const other = await userNamed(`other${serial}`);
    await sendEmail(user, 'mine@example.net');
    await sendEmail(other, 'theirs@example.net');
    await assert.rejects(confirmCode(other, 'email', sent[0]!.code === sent[1]!.code ? '000000' : sent[0]!.code), refusedWith('code-wrong'));
    await assert.rejects(confirmCode(user, 'sms', sent[0]!.code), refusedWith('code-expired'), 'an e-mail code does not confirm a phone number');
  });

  it('limits codes per account per hour and per target address per day', async () => {
    const victim = 'victim@example.com';
    for (let i = 0; i < enrolmentCodeLimits.perTargetPerDay; i++) await sendEmail(user, victim);
    await assert.rejects(sendEmail(user, victim), refusedWith('enrolment-codes-limited'));
    await assert.rejects(sendEmail(await userNamed(`third${serial}`), 'VICTIM@example.com'), refusedWith('enrolment-codes-limited'), 'shared across accounts, case-insensitive');
    assert.equal(sent.filter((s) => s.to.toLowerCase() === victim).length, enrolmentCodeLimits.perTargetPerDay);

    const spare = enrolmentCodeLimits.perUserPerHour - enrolmentCodeLimits.perTargetPerDay - 1;
    for (let i = 0; i < spare; i++) await sendEmail(user, `x${i}@example.com`);
    await assert.rejects(sendEmail(user, 'y@example.com'), refusedWith('enrolment-codes-limited'));
    await sendSms(user, '+49 151 23456789');
    assert.equal(sent.at(-1)!.to, '+4915123456789', 'per channel: SMS has its own budget, numbers are counted in E.164');

    clock.advance(3_600_001);
    await sendEmail(user, 'z@example.com');
    await assert.rejects(sendEmail(user, victim), refusedWith('enrolment-codes-limited'));
    clock.advance(23 * 3_600_000);
    await sendEmail(user, victim);
  });

  it('refuses what the policy or the service does not allow', async () => {
    await policy.update({ methods: ['email', 'totp'] }, 'test');
    await assert.rejects(info.begin(user, 'recovery-codes', {}, request), refusedWith('method-forbidden'));
    await assert.rejects(sendSms(user, '+4915123456789'), refusedWith('method-forbidden'));
    await policy.update({ methods: [...methodTypes] }, 'test');
    build({ sms: false, available: ['email', 'totp', 'questions', 'recovery-codes'] });
    await assert.rejects(sendSms(user, '+4915123456789'), refusedWith('method-forbidden'), 'no gateway, no SMS');
    await assert.rejects(info.begin(user, 'passkey', {}, request), refusedWith('method-forbidden'), 'no relying party, no passkeys');
    await assert.rejects(info.begin(await userNamed(`admin${serial}`, true), 'questions', { answers: [] }, request), refusedWith('method-forbidden'), 'administrators never use questions');
    await assert.rejects(sendEmail(user, 'not an address'), refusedWith('registration-invalid'));
    await assert.rejects(sendSms(user, '12'), refusedWith('method-forbidden'));
    assert.equal(sent.length, 0, 'nothing was sent for a refused request');
  });

  it('lists registrations with their module labels and never removes another user\'s', async () => {
    const { codes } = (await info.begin(user, 'recovery-codes', {}, request)).show as { codes: string[] };
    assert.equal(codes.length, 10);
    const overview = await info.overview(user);
    assert.deepEqual(overview.methods.map((m) => [m.type, m.label, m.fromDirectory]), [
      ['email', maskEmail(user.email!), true],
      ['recovery-codes', '10 of 10 left', false],
    ]);
    assert.equal(overview.complete, true);
    const id = overview.methods[1]!.id;
    await assert.rejects(info.remove(await userNamed(`stranger${serial}`), id, request), refusedWith('method-unknown'));
    await info.remove(user, id, request);
    assert.deepEqual(await registrations.listForUser(user.id), []);
  });

  it('decides "security info first" at sign-in as the overview does, reading no registrations when nothing can be due', async () => {
    const fromOverview = async (who: DirectoryUser) => {
      const current = await policy.current();
      const overview = await info.overview(who);
      return (current.registrationRequired && !overview.complete) || overview.reconfirmDue || overview.reregistrationDue;
    };
    const listForUser = registrations.listForUser.bind(registrations);
    let reads = 0;
    registrations.listForUser = async (userId) => (reads++, listForUser(userId));
    const noContact = { ...(await userNamed(`nocontact${serial}`)), email: null };

    assert.equal(await info.dueAtSignIn(noContact), false);
    assert.equal(reads, 0, 'no registration, re-confirmation or "register again" asked: the registrations are not read');
    assert.equal(await fromOverview(noContact), false);

    await registrations.requireReregistration(user.id, clock.now(), 'operator');
    assert.equal(await info.dueAtSignIn(user), true, 'a standing "register again"');
    assert.equal(await fromOverview(user), true);
    clock.advance(1000);
    await info.begin(user, 'recovery-codes', {}, request);
    assert.equal(await info.dueAtSignIn(user), false, 'registered again since');
    assert.equal(await fromOverview(user), false);

    await policy.update({ registrationRequired: true }, 'test');
    assert.equal(await info.dueAtSignIn(noContact), true, 'registration required and none registered');
    assert.equal(await fromOverview(noContact), true);
    assert.equal(await info.dueAtSignIn(user), false);

    await policy.update({ registrationRequired: false, reconfirmDays: 30 }, 'test');
    assert.equal(await info.dueAtSignIn(user), false);
    clock.advance(31 * 86_400_000);
    assert.equal(await info.dueAtSignIn(user), true, 're-confirmation overdue');
    assert.equal(await fromOverview(user), true);
    await policy.update({ reconfirmDays: 0 }, 'test');
  });
});
