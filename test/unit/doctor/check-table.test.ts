/**
 * The doctor's check table: one check object per catalogue id, in catalogue order; every finding a check can
 * return has a summary in every language, and every fail has a fix in every language.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { doctorChecks } from '../../../src/doctor/checks/index.js';
import { checkIds, type CheckStatus, type Finding } from '../../../src/doctor/doctor-types.js';
import { render, say } from '../../../src/doctor/doctor-text.js';
import { configSchema } from '../../../src/config/schema.js';
import { defaultSsprPolicy } from '../../../src/policy/sspr-policy.js';
import type { ServiceRunFacts, UserFacts } from '../../../src/doctor/facts.js';
import { languages as langs } from '../../../src/i18n/lang.js';

const NOW = 1_800_000_000_000;
const checksDir = join(import.meta.dirname, '../../../src/doctor/checks');

function serviceFacts(mode: 'direct' | 'agent', directory: boolean): ServiceRunFacts {
  const config = configSchema.parse({
    writeback: { mode },
    ...(directory ? { directory: { kind: 'ldap', url: 'ldaps://dc:636', bindDn: 'cn=s', bindPassword: 'p', baseDn: 'ou=u' } } : {}),
  });
  return {
    now: NOW,
    config,
    policy: { ...defaultSsprPolicy, enabled: 'selected', group: 'staff', licenceRequired: true },
    availableTypes: ['email'],
    directoryKind: directory ? 'ldap' : null,
    directoryAt: directory ? 'server' : mode === 'agent' ? 'agents' : null,
    agents: [],
    probe: null,
    probeError: null,
    smtpConfigured: false,
    smsConfigured: false,
    mailServer: { status: 'unreachable', reason: 'connect ECONNREFUSED 127.0.0.1:25', at: 0 },
    users: { all: 3, enabled: 2, directory: 2, disabled: 1, directoryWithoutAnchor: 1, noContact: 1 },
    policyGroupId: null,
    deliveryFailures: { count: 2, reason: '550 mailbox unavailable' },
  };
}

function userFacts(service: ServiceRunFacts, source: string, gap: Partial<Pick<UserFacts, 'inspectionError' | 'inspectionNotHere'>>): UserFacts {
  const user = {
    id: 'u1', username: 'ada', displayName: 'Ada', firstName: 'Ada', lastName: 'L', email: 'not-an-address', mobile: '12', enabled: false, isAdmin: source === 'local',
    source, anchor: null, dn: null, passwordHash: null, passwordChangedAt: null, createdAt: NOW,
  };
  const failure = { at: NOW - 1000, outcome: 'failure', detail: { reason: 'writeback-access-denied', directoryReason: 'access-denied', writtenBack: false } };
  return {
    ...service,
    user,
    groups: [],
    plans: ['sspr'],
    registrations: [],
    block: { until: NOW + 60_000, reason: 'failed-proofs' },
    failedProofs: 5,
    inspection: null,
    inspectionError: null,
    inspectionNotHere: false,
    ...gap,
    passwordEvent: { ...failure, event: 'password-set' },
    deliveries: [{ ...failure, event: 'email-delivery-failed' }],
    writeOutcome: { ...failure, event: 'reset-password' },
  };
}

function assertSpoken(finding: Finding, where: string): void {
  for (const lang of langs) {
    const shown = render(finding, lang);
    assert.ok(shown.summary, `${where}: ${finding.id}.${finding.key} has no ${lang} summary`);
    if (finding.status === 'fail') assert.ok(shown.fix, `${where}: ${finding.id}.${finding.key} fails without a ${lang} fix`);
  }
}

describe('doctor check table', () => {
  it('lists every catalogue check once, in catalogue order', () => {
    assert.deepEqual(doctorChecks.map((c) => c.id), [...checkIds]);
  });

  it('every finding written in the checks has a summary in every language, and every fail a fix', () => {
    const literal = /id: '([a-z-]+)', status: '(pass|warn|fail|skip)', key: '([a-z-]+)'/g;
    let found = 0;
    for (const file of readdirSync(checksDir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(checksDir, file), 'utf8');
      for (const [, id, status, key] of source.matchAll(literal)) {
        found++;
        assertSpoken({ id: id as Finding['id'], status: status as CheckStatus, key: key ?? '' }, file);
      }
    }
    assert.ok(found > 80, `only ${found} findings found: the pattern no longer matches how checks are written`);
  });

  it('every check, run over facts that make most of them fail or skip, answers in every language with a fix for each fail', () => {
    const scenarios: Array<[string, ServiceRunFacts]> = [
      ['direct mode with a directory', serviceFacts('direct', true)],
      ['agent mode without a server-side directory', serviceFacts('agent', false)],
      ['direct mode without a directory', serviceFacts('direct', false)],
    ];
    for (const [name, service] of scenarios) {
      for (const check of doctorChecks) {
        const fromService = check.service?.(service);
        if (fromService) {
          assert.equal(fromService.id, check.id);
          assertSpoken(fromService, `${name}, service`);
        }
        const users: Array<[string, UserFacts]> = [
          ['cloud-only', userFacts(service, 'local', {})],
          ['directory, inspection failed', userFacts(service, 'ldap', { inspectionError: 'unreachable: timeout' })],
          ['directory, no agent here', userFacts(service, 'ldap', { inspectionNotHere: true })],
        ];
        for (const [who, facts] of users) {
          const finding = check.user(facts);
          assert.equal(finding.id, check.id);
          assertSpoken(finding, `${name}, ${who}`);
        }
      }
    }
  });

  it('a process no agent is connected to says where to run the doctor, in the doctor\'s words', () => {
    const facts = userFacts(serviceFacts('agent', false), 'ldap', { inspectionNotHere: true });
    const permissions = doctorChecks.find((c) => c.id === 'directory-permissions')!.user(facts);
    for (const lang of langs) assert.match(render(permissions, lang).summary, /\/api\/v1\/admin\/doctor\/users\/ada/);
    assert.equal(say('en', 'writeback-no-agent'), '');
  });
});
