import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { languages } from '../../../src/i18n/lang.js';
import { readLanguage, shippedMessagesRoot } from '../../../src/i18n/message-files.js';
import { auditReasons } from '../../../src/audit/audit-reasons.js';
import { auditDetailKeys, auditDetailLabel, auditDetailValueIds, auditReasonLabel, deliveryPurposes } from '../../../src/audit/audit-labels.js';
import type { NoticeName } from '../../../src/audit/audit-events.js';
import { errorCatalogue } from '../../../src/errors/catalogue.js';
import { directoryFailures } from '../../../src/writeback/agent-protocol/protocol.js';
import { throttleReasons } from '../../../src/policy/throttles.js';
import { auditDetailHtml, reasonHtml, reasonText } from '../../../src/web/admin/audit-labels-html.js';
import { rankChart } from '../../../src/web/admin/svg-charts.js';
import { timeLabel } from '../../../src/web/admin/time-label.js';
import { render } from '../../../src/doctor/doctor-text.js';

const root = shippedMessagesRoot();
const keysUnder = (lang: string, domain: string) =>
  [...readLanguage(join(root, lang)).entries()].filter(([key]) => key.startsWith(`${domain}.`)).map(([key, m]) => [key.slice(domain.length + 1), m.text] as const);

describe('audit reason and detail labels', () => {
  it('the reason list holds every error code, directory failure and throttle reason, each once', () => {
    const listed: ReadonlySet<string> = new Set(auditReasons);
    for (const code of [...Object.keys(errorCatalogue), ...directoryFailures, ...throttleReasons]) assert.ok(listed.has(code), code);
    assert.equal(listed.size, auditReasons.length);
    assert.equal(auditReasonLabel('en', 'no-such-reason'), undefined);
    assert.equal(auditDetailLabel('en', 'no-such-key'), undefined);
  });

  it('every reason has a label in every language, and no language labels a reason the list lacks', () => {
    for (const lang of languages) {
      const labels = new Map(keysUnder(lang, 'audit-reasons'));
      assert.deepEqual([...labels.keys()].sort(), [...auditReasons].sort(), `${lang}: exactly the reasons`);
      for (const [reason, label] of labels) assert.ok(label.trim().length > 0 && label !== reason, `${lang} ${reason}`);
    }
  });

  it('every detail key has a label in every language (plus yes, no and the label pattern)', () => {
    for (const lang of languages) {
      const labels = new Map(keysUnder(lang, 'audit-details'));
      assert.deepEqual([...labels.keys()].sort(), [...auditDetailKeys, ...auditDetailValueIds, 'value.true', 'value.false', 'pair'].sort(), `${lang}: exactly the detail keys and named values`);
      for (const [key, label] of labels) assert.ok(label.trim().length > 0, `${lang} ${key}`);
    }
  });

  it('a reason reads as its label with the id beside it; an unknown id as itself', () => {
    assert.equal(auditReasonLabel('en', 'password-rejected'), 'Password refused by the rules');
    assert.equal(reasonHtml('en', 'password-rejected').value, 'Password refused by the rules <small class="reason-id">(<code>password-rejected</code>)</small>');
    assert.equal(reasonHtml('de', 'retired-reason').value, '<code class="reason-id">retired-reason</code>');
    assert.equal(reasonText('ja', 'failed-proofs'), '確認の失敗が多すぎる (failed-proofs)');
    assert.equal(reasonText('en', ''), '');
  });

  it('detail: known keys in words, unknown keys as stored, booleans and times readable', () => {
    const en = auditDetailHtml('en', { reason: 'password-rejected', by: 'cli', writtenBack: false, legacyKey: 'x', raw: null, ms: 1234, blockedUntil: Date.UTC(2026, 11, 6, 20, 5) }).value;
    assert.match(en, /Reason: Password refused by the rules <small class="reason-id">\(<code>password-rejected<\/code>\)<\/small>/);
    assert.match(en, /By: cli/);
    assert.match(en, /Written to the directory: no/);
    assert.match(en, /legacyKey: x/);
    assert.match(en, /Directory&#39;s words: –/);
    assert.match(en, /Duration: 1,234 ms/);
    assert.ok(en.includes(`Blocked until: ${timeLabel(Date.UTC(2026, 11, 6, 20, 5), 'en')}`), 'an instant as the console writes times');
    assert.match(timeLabel(Date.UTC(2026, 11, 6, 20, 5), 'en'), /^Dec 6, 2026, 8:05:00\sPM UTC$/);
    assert.match(auditDetailHtml('fr', { by: 'cli' }).value, /Par : cli/);
    assert.match(auditDetailHtml('ja', { reason: 'too-young' }).value, /理由：前回の変更から間もない/);
    assert.equal(auditDetailHtml('en', undefined).value, '');
    assert.match(auditDetailHtml('en', { reason: 'from-an-older-version' }).value, /Reason: <code class="reason-id">from-an-older-version<\/code>/);
  });

  it('detail: named values in words (origin, method, mode, channel), an unnamed value as stored', () => {
    const en = auditDetailHtml('en', { method: 'email', path: 'cli', mode: 'agent', channel: 'sms', types: ['totp', 'legacy-type'] }).value;
    assert.match(en, /Method: e-mail code/);
    assert.match(en, /Origin: command line/);
    assert.match(en, /Mode: through an agent/);
    assert.match(en, /Channel: text message/);
    assert.match(en, /authenticator app, legacy-type/);
    assert.match(auditDetailHtml('de', { method: 'totp', path: 'helpdesk-reset' }).value, /Authenticator-App[\s\S]*Zurücksetzung durch Helpdesk/);
    assert.match(auditDetailHtml('en', { method: 'carrier-pigeon', by: 'email' }).value, /Method: carrier-pigeon[\s\S]*By: email/, 'only the keys that hold such values are named');
  });

  it('detail: every value and every unknown key is escaped', () => {
    const evil = '<script>alert(1)</script>';
    const out = auditDetailHtml('en', { by: evil, reason: evil, [evil]: evil, text: `"${evil}'` }).value;
    assert.doesNotMatch(out, /<script>/);
    assert.match(out, /By: &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(out, /&lt;script&gt;alert\(1\)&lt;\/script&gt;: &lt;script&gt;/);
    assert.match(out, /Recorded reason: &quot;&lt;script&gt;/);
  });

  it('the reasons chart shows each label with its id, and the id in its data table', () => {
    const chart = rankChart('c', { title: 't', description: 'd', columns: ['r', 'n'], tableLabel: 'data' }, [{ label: 'Too many failed proofs', id: 'failed-proofs', value: 3 }, { label: 'x<y', id: '<b>', value: 1 }]).value;
    assert.match(chart, /<text class="chart-axis chart-id"[^>]*>failed-proofs<\/text>/);
    assert.match(chart, /<th scope="row"[^>]*>Too many failed proofs <small>\(<code>failed-proofs<\/code>\)<\/small><\/th>/);
    assert.doesNotMatch(chart, /<b>|x<y/);
  });

  it('doctor evidence says known facts in words in the reader language; ids keep their id beside the label', () => {
    const state = render({ id: 'account-state', status: 'pass', key: 'ok', evidence: [['state', { enabled: 'true', locked: 'false', mustChange: 'false', passwordExpired: 'false', accountExpired: 'false' }]] }, 'de');
    assert.equal(state.evidence, 'Konto aktiviert, nicht gesperrt, keine erzwungene Änderung, Kennwort nicht abgelaufen, Konto nicht abgelaufen');
    const blocked = render({ id: 'throttled', status: 'fail', key: 'blocked', evidence: [['throttle', { failed: 5, reason: 'failed-proofs', until: '2026-12-06T20:00:00Z' }]] }, 'en');
    assert.equal(blocked.evidence, 'failed proofs in the window: 5; blocked until 2026-12-06T20:00:00Z: Too many failed proofs (failed-proofs)');
    const free = render({ id: 'throttled', status: 'pass', key: 'ok', evidence: [['throttle', { failed: 0, reason: 'none', until: '-' }]] }, 'ja');
    assert.equal(free.evidence, '期間内の確認失敗: 0、ブロックなし');
    const event = render({ id: 'password-policy', status: 'pass', key: 'ok', evidence: [['password-event', { event: 'reset-password', at: 'T', writtenBack: 'true' }]] }, 'en');
    assert.match(event.evidence, /Password reset \(reset-password\) at T, written to the directory/);
    const source = render({ id: 'writeback-enabled', status: 'pass', key: 'ok', evidence: [['source', { source: 'local', directory: 'none', enabled: 'false', mode: 'direct' }]] }, 'en');
    assert.match(source.evidence, /^account source: cloud-only; .* mode: direct to the directory$/);
    assert.match(render({ id: 'writeback-enabled', status: 'pass', key: 'ok', evidence: [['source', { source: 'ad', directory: 'ad', enabled: 'true', mode: 'agent' }]] }, 'de').evidence, /Active Directory/);
    assert.match(render({ id: 'writeback-enabled', status: 'pass', key: 'ok', evidence: [['source', { source: 'scim', directory: '-', enabled: 'true', mode: 'none' }]] }, 'en').evidence, /account source: scim; .* mode: none$/, 'an unknown value as stored');
  });

  it('detail: a message purpose, a token scope and a role in words; unknown ones as stored', () => {
    const en = auditDetailHtml('en', { purpose: 'reset-code', scope: 'read-only', role: 'helpdesk' }).value;
    assert.match(en, /Purpose: reset code/);
    assert.match(en, /Scope: read-only/);
    assert.match(en, /Role: Helpdesk/);
    const de = auditDetailHtml('de', { purpose: 'notice-methodAdded', scope: 'admin', role: 'administrator' }).value;
    assert.match(de, /Hinweis: Methode hinzugefügt/);
    assert.match(de, /Administrator/);
    assert.match(auditDetailHtml('de', { scope: 'Vertrieb', purpose: 'carrier-pigeon' }).value, /Vertrieb[\s\S]*carrier-pigeon/, 'a group name and an unknown purpose as stored');
  });

  it('every purpose a writer in src/ gives a message has a name', () => {
    const src = join(import.meta.dirname, '../../../src');
    const listed: ReadonlySet<string> = new Set(deliveryPurposes);
    const notices: NoticeName[] = ['reset', 'change', 'unlock', 'methodAdded', 'methodRemoved', 'reregistration'];
    let found = 0;
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('audit-labels.ts'))) {
      const text = readFileSync(join(src, file), 'utf8');
      for (const [, purpose] of text.matchAll(/purpose: '([a-z][a-z-]*)'/g)) {
        found++;
        assert.ok(listed.has(purpose ?? ''), `${file}: purpose ${purpose} has no name (deliveryPurposes)`);
      }
      if (text.includes('purpose: `notice-${notice}`')) for (const notice of notices) assert.ok(listed.has(`notice-${notice}`), notice);
    }
    assert.ok(found >= 10, `only ${found} purposes found: the pattern no longer matches how writers name them`);
  });

  it('doctor: lists of method types in words, in the evidence and in the summary', () => {
    const methods = render({ id: 'methods-registered', status: 'fail', key: 'too-few', params: { registered: 1, required: 2 }, evidence: [['methods', { types: 'email', required: 2, allowed: 'email, totp, legacy' }]] }, 'en');
    assert.match(methods.evidence, /e-mail code/);
    assert.match(methods.evidence, /e-mail code, authenticator app, legacy/);
    assert.doesNotMatch(methods.evidence, /\bemail\b|\btotp\b/);
    const policy = render({ id: 'methods-registered', status: 'fail', key: 'policy-impossible', params: { required: 2, available: 1, types: 'email' } }, 'de');
    assert.match(policy.summary, /E-Mail-Code/);
    assert.match(render({ id: 'admin-policy', status: 'fail', key: 'too-few', params: { registered: 0 }, evidence: [['admin', { admin: 'true', types: '-' }]] }, 'en').evidence, /-/);
  });
});
