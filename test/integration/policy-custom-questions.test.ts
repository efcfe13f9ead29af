import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../support/test-service.js';
import { FormClient, csrfOf } from '../support/form-client.js';
import { signInToConsole, stepUpWithTotp } from '../support/console-step-up.js';
import { hashPassword } from '../../src/crypto/password-hash.js';
import { ManualClock } from '../support/manual-clock.js';
import { questionValues } from '../../src/web/admin/policy-questions-part.js';

const cookieOf = (client: FormClient) => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
const HOSTILE = 'Which <script>alert(1)</script> street & "house" did you grow up in?';

/** The custom security questions in the console's policy editor and over the admin API: listed, added, removed, refused. */
describe('policy editor: custom security questions', () => {
  let svc: TestService;
  let admin: FormClient;
  let token: string;
  const clock = new ManualClock();
  let adminSecret: string;

  before(async () => {
    svc = await startTestService({ dialect: 'sqlite', clock, env: { SSPR_SESSION_TTL_SECONDS: '86400' } });
    const { users } = svc.services;
    await users.add({ username: 'cq-admin', email: 'cq-admin@example.org', isAdmin: true, passwordHash: await hashPassword('cq admin passphrase 1') });
    await users.add({ username: 'cq-desk', email: 'cq-desk@example.org', passwordHash: await hashPassword('cq desk passphrase 1') });
    await users.setRole((await users.get('cq-desk')).id, 'helpdesk', true);
    await users.add({ username: 'cq-user', email: 'cq-user@example.org', passwordHash: await hashPassword('cq user passphrase 1') });
    admin = new FormClient(svc.baseUrl);
    adminSecret = await signInToConsole(svc.services, svc.baseUrl, admin, 'cq-admin', 'cq admin passphrase 1');
    token = (await svc.services.adminTokens.create('custom questions test')).token;
  });
  after(async () => {
    await svc?.close();
  });

  /** The whole form as the page would send it (stored settings and questions) with `extra` on top. */
  const form = async (client: FormClient, extra: Record<string, string | string[]>, csrf = true) => {
    const page = await client.get('/admin/policy');
    const policy = await svc.services.policy.current();
    const body = new URLSearchParams({
      enabled: policy.enabled, group: policy.group ?? '', methodsRequired: String(policy.methodsRequired), questionsToRegister: String(policy.questionsToRegister),
      questionsToAnswer: String(policy.questionsToAnswer), contactDataCounts: '1', reconfirmDays: '0', notifyUserOnReset: '1', notifyAdminsOnAdminReset: '1', refusalNotice: 'email', bannedTerms: '',
      ...Object.fromEntries(Object.entries(policy.throttles).map(([k, v]) => [`throttles.${k}`, String(v)])),
    });
    if (csrf) body.set('_csrf', csrfOf(page.text));
    for (const type of policy.methods) body.append('methods', type);
    for (const [k, v] of Object.entries(questionValues(policy.customQuestions))) body.set(k, String(v));
    for (const [k, v] of Object.entries(extra)) {
      body.delete(k);
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    }
    const response = await fetch(`${svc.baseUrl}/admin/policy`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(client) }, body: body.toString(), redirect: 'manual' });
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  };
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${svc.baseUrl}/api/v1/admin/${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const stored = async () => (await svc.services.policy.current()).customQuestions;
  const savedAudit = async () => (await svc.services.auditLog.list({})).filter((e) => e.event === 'policy-saved');

  it('adds a question with a German text: preview lists the change, save stores it with an id, audited', async () => {
    const empty = await admin.get('/admin/policy');
    assert.match(empty.text, /<legend>Custom security questions<\/legend>/);
    assert.match(empty.text, /id="pe-cq-none"/);
    const previewed = await form(admin, { action: 'preview', 'cqNew.en': 'Which street did you grow up in?', 'cqNew.de': 'In welcher Straße sind Sie aufgewachsen?' });
    assert.equal(previewed.status, 200);
    assert.match(previewed.text, /<th scope="row"[^>]*>Custom security questions <small class="setting-id">\(<code>customQuestions<\/code>\)<\/small><\/th>/);
    assert.deepEqual(await stored(), [], 'a preview saves nothing');
    const saved = await form(admin, { action: 'save', 'cqNew.en': 'Which street did you grow up in?', 'cqNew.de': 'In welcher Straße sind Sie aufgewachsen?' });
    assert.equal(saved.status, 303);
    const [question] = await stored();
    assert.match(question?.id ?? '', /^custom-[0-9a-f]{16}$/);
    assert.equal(question?.de, 'In welcher Straße sind Sie aufgewachsen?');
    assert.match(String((await savedAudit()).at(-1)?.detail?.changes), /^customQuestions: \[\] → \[\{"en":"Which street did you grow up in\?","de":"In welcher Straße sind Sie aufgewachsen\?","id":"custom-[0-9a-f]{16}"\}\]$/);
    const page = await admin.get('/admin/policy');
    assert.match(page.text, /<p class="pe-cq-en" lang="en" id="pe-cq-en-0">Which street did you grow up in\?<\/p>/);
    assert.match(page.text, /<dt>Deutsch<\/dt><dd lang="de">In welcher Straße sind Sie aufgewachsen\?<\/dd>/);
    assert.match(page.text, new RegExp(`<code>${question?.id}</code>`));
  });

  it('removes a question through the same preview and save', async () => {
    const [question] = await stored();
    assert.ok(question);
    const saved = await form(admin, { action: 'save', cqRemove: question.id ?? '' });
    assert.equal(saved.status, 303);
    assert.deepEqual(await stored(), []);
    assert.match(String((await savedAudit()).at(-1)?.detail?.changes), /→ \[\]$/);
  });

  it('refuses 201 characters, a 21st question and a predefined question with a sentence, saving nothing', async () => {
    const before = (await savedAudit()).length;
    const long = await form(admin, { action: 'save', 'cqNew.en': `W${'h'.repeat(199)}?` });
    assert.equal(long.status, 400);
    assert.match(long.text, /Custom question 1 \(English\) is too long: at most 200 characters\./);
    const twenty = Array.from({ length: 20 }, (_, n) => ({ en: `Which number ${n} of twenty is this question?` }));
    assert.equal((await api('PUT', 'policy', { customQuestions: twenty })).status, 200);
    const many = await form(admin, { action: 'preview', 'cqNew.en': 'What is the twenty-first question?' });
    assert.equal(many.status, 400);
    assert.match(many.text, /At most 20 custom security questions are allowed\./);
    assert.equal((await stored()).length, 20);
    assert.equal((await api('PUT', 'policy', { customQuestions: [] })).status, 200);
    const dup = await form(admin, { action: 'save', 'cqNew.en': 'what was the name of your first pet' });
    assert.equal(dup.status, 400);
    assert.match(dup.text, /Custom question 1 \(English\) is the same as the question “What was the name of your first pet\?”; each question must be different\./);
    const german = await form(admin, { action: 'save', 'cqNew.en': 'Which colour was your first bicycle?', 'cqNew.de': `W${'h'.repeat(200)}` });
    assert.match(german.text, /Custom question 1 \(Deutsch\) is too long: at most 200 characters\./);
    assert.deepEqual(await stored(), []);
    assert.equal((await savedAudit()).length, before + 2, 'only the two API saves of the setup were audited');
  });

  it('the API refuses the same with the sentence and every problem, in the reader language, saving nothing', async () => {
    const long = await api('PUT', 'policy', { customQuestions: [{ en: `W${'h'.repeat(199)}?` }] });
    assert.equal(long.status, 400);
    assert.equal(long.body.error.code, 'custom-question-invalid');
    assert.equal(long.body.error.message, 'Custom question 1 (English) is too long: at most 200 characters.');
    const many = await api('POST', 'policy/preview', { customQuestions: Array.from({ length: 21 }, (_, n) => ({ en: `Which number ${n} is this question?` })) });
    assert.equal(many.status, 400);
    assert.equal(many.body.error.message, 'At most 20 custom security questions are allowed.');
    const dup = await api('PUT', 'policy', { customQuestions: [{ en: 'What was the name of your first pet?' }] }, { 'accept-language': 'de' });
    assert.equal(dup.status, 400);
    assert.match(dup.body.error.message, /^Eigene Frage 1 \(English\) gleicht der Frage „What was the name of your first pet\?“/);
    assert.deepEqual(await stored(), []);
  });

  it('no CSRF token → 403, a helpdesk operator → 403, nothing saved', async () => {
    const noCsrf = await form(admin, { action: 'save', 'cqNew.en': 'Which street did you grow up in?' }, false);
    assert.equal(noCsrf.status, 403);
    const desk = new FormClient(svc.baseUrl);
    await signInToConsole(svc.services, svc.baseUrl, desk, 'cq-desk', 'cq desk passphrase 1');
    assert.equal((await desk.get('/admin/policy')).response.status, 403);
    const deskSave = await fetch(`${svc.baseUrl}/admin/policy`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(desk) }, body: new URLSearchParams({ _csrf: csrfOf((await desk.get('/admin/helpdesk')).text), action: 'save', cq: '1', 'cqNew.en': 'Which street did you grow up in?' }).toString(), redirect: 'manual' });
    assert.equal(deskSave.status, 403);
    const deskApi = await fetch(`${svc.baseUrl}/api/v1/admin/policy`, { method: 'PUT', headers: { cookie: cookieOf(desk), 'content-type': 'application/json' }, body: JSON.stringify({ customQuestions: [{ en: 'Which street did you grow up in?' }] }) });
    assert.equal(deskApi.status, 403);
    assert.deepEqual(await stored(), []);
  });

  it('saving needs a proof of the second method from the last minutes: the page sends to the step-up, the API answers 403', async () => {
    clock.advance(6 * 60_000);
    const page = await form(admin, { action: 'save', 'cqNew.en': 'Which street did you grow up in?' });
    assert.equal(page.status, 303);
    assert.match(page.location ?? '', /\/admin\/step-up\?fresh=1/);
    const api = await fetch(`${svc.baseUrl}/api/v1/admin/policy`, { method: 'PUT', headers: { cookie: cookieOf(admin), 'content-type': 'application/json' }, body: JSON.stringify({ customQuestions: [{ en: 'Which street did you grow up in?' }] }) });
    assert.equal(api.status, 403);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'step-up-stale');
    assert.deepEqual(await stored(), []);
    await stepUpWithTotp(svc.baseUrl, admin.sessionCookie(), adminSecret, clock.now());
  });

  it('HTML in a question text is escaped on the policy page and on the users’ security-info page', async () => {
    assert.equal((await form(admin, { action: 'save', 'cqNew.en': HOSTILE })).status, 303);
    const page = await admin.get('/admin/policy');
    assert.doesNotMatch(page.text, /<script>alert/);
    assert.match(page.text, /Which &lt;script&gt;alert\(1\)&lt;\/script&gt; street &amp; &quot;house&quot; did you grow up in\?/);
    const user = new FormClient(svc.baseUrl);
    const signin = await user.get('/signin?lang=en');
    await user.post('/signin', { username: 'cq-user', password: 'cq user passphrase 1', _csrf: csrfOf(signin.text) });
    const questions = await user.get('/account/security/add/questions');
    assert.equal(questions.response.status, 200);
    assert.doesNotMatch(questions.text, /<script>alert/);
    assert.match(questions.text, /Which &lt;script&gt;alert\(1\)&lt;\/script&gt; street &amp; (&quot;|")house(&quot;|") did you grow up in\?/);
  });
});
