import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EntryReader } from '../../../src/directory/ad/ad-entry.js';
import { adPasswordFacts, maximumAgeMs } from '../../../src/directory/ad/ad-password-facts.js';
import { ldapPasswordFacts } from '../../../src/directory/ldap/ldap-password-facts.js';
import { dueInterval, passwordKey, DAY_MS } from '../../../src/reminders/expiry-reminders.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { SsprError } from '../../../src/errors/sspr-error.js';
import { parseAgentMessage, parseServerMessage } from '../../../src/writeback/agent-protocol/protocol.js';

/** 2026-01-01T00:00:00Z as a FILETIME (100 ns since 1601). */
const JAN_1 = Date.UTC(2026, 0, 1);
const filetime = (ms: number) => String(BigInt(ms) * 10_000n + 116_444_736_000_000_000n);
const days = (n: number) => String(-BigInt(n) * 864_000_000_000n);
const ad = (attributes: Record<string, string>) => new EntryReader({ dn: 'CN=u,DC=x,DC=test', ...attributes });
const noFallback = () => null;

describe('which reminder is due', () => {
  it('is the smallest interval not below the time left', () => {
    const intervals = [14, 7, 3, 1];
    assert.equal(dueInterval(intervals, 15 * DAY_MS), null);
    assert.equal(dueInterval(intervals, 14 * DAY_MS), 14);
    assert.equal(dueInterval(intervals, 6.5 * DAY_MS), 7);
    assert.equal(dueInterval(intervals, 2 * DAY_MS), 3, 'a late run sends the most urgent interval only');
    assert.equal(dueInterval(intervals, 60_000), 1);
  });

  it('keys a reminder by the password it is about', () => {
    assert.equal(passwordKey({ passwordChangedAt: 5, passwordExpiresAt: 9 }), '5');
    assert.equal(passwordKey({ passwordChangedAt: null, passwordExpiresAt: 9 }), 'expires-9');
  });
});

describe('AD password facts', () => {
  it('takes the DC\'s computed expiry (domain or PSO already applied)', () => {
    const facts = adPasswordFacts(ad({ pwdLastSet: filetime(JAN_1), 'msDS-UserPasswordExpiryTimeComputed': filetime(JAN_1 + 42 * DAY_MS), manager: 'CN=boss,DC=x,DC=test' }), noFallback);
    assert.deepEqual(facts, { passwordChangedAt: JAN_1, passwordExpiresAt: JAN_1 + 42 * DAY_MS, managerDn: 'CN=boss,DC=x,DC=test' });
  });

  it('reads "never" from the computed maximum value, DONT_EXPIRE_PASSWORD and pwdLastSet = 0', () => {
    const never = adPasswordFacts(ad({ pwdLastSet: filetime(JAN_1), 'msDS-UserPasswordExpiryTimeComputed': '9223372036854775807' }), noFallback);
    assert.equal(never.passwordExpiresAt, null);
    const flag = adPasswordFacts(ad({ pwdLastSet: filetime(JAN_1), userAccountControl: String(0x200 | 0x10000), 'msDS-UserPasswordExpiryTimeComputed': filetime(JAN_1 + DAY_MS) }), noFallback);
    assert.equal(flag.passwordExpiresAt, null);
    const mustChange = adPasswordFacts(ad({ pwdLastSet: '0', 'msDS-UserPasswordExpiryTimeComputed': '0' }), () => 10 * DAY_MS);
    assert.deepEqual([mustChange.passwordChangedAt, mustChange.passwordExpiresAt], [null, null]);
  });

  it('without the computed attribute: pwdLastSet plus the PSO\'s maximum age, else the domain\'s', () => {
    const maxAges = (pso: string | undefined) => (pso === 'CN=pso' ? 10 * DAY_MS : 90 * DAY_MS);
    assert.equal(adPasswordFacts(ad({ pwdLastSet: filetime(JAN_1), 'msDS-ResultantPSO': 'CN=pso' }), maxAges).passwordExpiresAt, JAN_1 + 10 * DAY_MS);
    assert.equal(adPasswordFacts(ad({ pwdLastSet: filetime(JAN_1) }), maxAges).passwordExpiresAt, JAN_1 + 90 * DAY_MS);
  });

  it('reads maxPwdAge intervals; 0 and the most negative value mean never', () => {
    assert.equal(maximumAgeMs(days(42)), 42 * DAY_MS);
    assert.equal(maximumAgeMs('0'), null);
    assert.equal(maximumAgeMs('-9223372036854775808'), null);
    assert.equal(maximumAgeMs(undefined), null);
  });
});

describe('OpenLDAP password facts', () => {
  const entry = (attributes: Record<string, string>) => ({ dn: 'uid=u,dc=x', ...attributes });
  it('adds the effective policy\'s pwdMaxAge to pwdChangedTime; pwdReset and no age limit give no expiry', () => {
    assert.equal(ldapPasswordFacts(entry({ pwdChangedTime: '20260101000000Z' }), 86_400).passwordExpiresAt, JAN_1 + DAY_MS);
    assert.equal(ldapPasswordFacts(entry({ pwdChangedTime: '20260101000000Z', pwdReset: 'TRUE' }), 86_400).passwordExpiresAt, null);
    assert.equal(ldapPasswordFacts(entry({ pwdChangedTime: '20260101000000Z' }), 0).passwordExpiresAt, null);
    assert.equal(ldapPasswordFacts(entry({ pwdChangedTime: '20260101000000Z' }), null).passwordExpiresAt, null);
  });
});

describe('reminder configuration', () => {
  it('defaults to 14, 7, 3 and 1 days by e-mail, no schedule', () => {
    const config = loadConfig({ env: {} });
    assert.deepEqual(config.reminders.expiry.days, [14, 7, 3, 1]);
    assert.deepEqual(config.reminders.expiry.channels, ['email']);
    assert.equal(config.reminders.expiry.schedule, undefined);
    assert.equal(config.sync.fullSchedule, undefined);
  });

  it('takes lists and cron expressions from the environment', () => {
    const config = loadConfig({ env: { SSPR_REMINDERS_EXPIRY_DAYS: '10, 5', SSPR_REMINDERS_EXPIRY_CHANNELS: 'email,sms', SSPR_REMINDERS_EXPIRY_SCHEDULE: '0 8 * * *', SSPR_SYNC_FULL_SCHEDULE: '30 2 * * *' } });
    assert.deepEqual(config.reminders.expiry.days, [10, 5]);
    assert.deepEqual(config.reminders.expiry.channels, ['email', 'sms']);
    assert.equal(config.sync.fullSchedule, '30 2 * * *');
  });

  it('stops start-up on a bad cron expression, naming the key', () => {
    for (const [env, path] of [
      ['SSPR_REMINDERS_EXPIRY_SCHEDULE', 'reminders.expiry.schedule'],
      ['SSPR_REMINDERS_ENROLMENT_SCHEDULE', 'reminders.enrolment.schedule'],
      ['SSPR_SYNC_FULL_SCHEDULE', 'sync.fullSchedule'],
    ] as const) {
      assert.throws(
        () => loadConfig({ env: { [env]: '0 25 * * *' } }),
        (error: unknown) => error instanceof SsprError && error.code === 'config-invalid' && error.message.includes(`${path}: not a cron expression ("0 25 * * *")`),
        path,
      );
    }
  });
});

describe('password facts in the agent protocol', () => {
  const account = { anchor: 'a1', dn: 'uid=a,dc=x', username: 'a', displayName: '', firstName: '', lastName: '', email: null, mobile: null, enabled: true, memberOfDns: [] };
  const page = (items: unknown[]) => JSON.stringify({ type: 'sync-page', syncId: 's1', seq: 0, kind: 'accounts', items });

  it('a sync request asks for facts only with `facts: true`, and the old form still parses', () => {
    assert.equal((parseServerMessage(JSON.stringify({ type: 'sync', syncId: 's1', since: null })) as { facts?: true }).facts, undefined);
    assert.equal((parseServerMessage(JSON.stringify({ type: 'sync', syncId: 's1', since: null, facts: true })) as { facts?: true }).facts, true);
  });

  it('accounts parse with and without the facts (an older agent sends none)', () => {
    assert.doesNotThrow(() => parseAgentMessage(page([account])));
    assert.doesNotThrow(() => parseAgentMessage(page([{ ...account, passwordChangedAt: 1, passwordExpiresAt: null, managerDn: 'uid=b,dc=x' }])));
    assert.throws(() => parseAgentMessage(page([{ ...account, passwordExpiresAt: 'soon' }])));
  });
});
