import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SmtpSink } from '../support/smtp-sink.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { postJson } from '../support/json-client.js';
import { ManualClock } from '../support/manual-clock.js';
import { runCli } from '../support/processes.js';

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();

/** The password policy as the running service applies it: custom list, names, history, breach corpus. */
describe('password policy in the service', () => {
  let smtp: SmtpSink;
  let svc: TestService;
  const clock = new ManualClock();
  const env = () => ({ SSPR_DATA_DIR: svc.dataDir });

  before(async () => {
    smtp = await SmtpSink.start();
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, clock, env: { SSPR_ORGANISATION_NAME: 'Contoso' } });
    await svc.services.users.add({ username: 'paula', firstName: 'Paula', lastName: 'Pollmann', email: 'paula@example.org' });
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
  });

  const check = (password: string, flowId?: string, lang = 'en') =>
    postJson(svc.baseUrl, '/api/v1/password/check', { password, ...(flowId ? { flowId } : {}) }, { headers: { 'accept-language': lang } });
  const codesOf = (result: { body: any }) => result.body.reasons.map((r: any) => r.code);

  const verifiedFlow = async () => {
    const started = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'paula' });
    const { flowId } = started.body;
    const methodId = started.body.methods[0].id;
    const count = smtp.messages.length;
    await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/send`, { methodId });
    const code = await smtp.codeFor('paula@example.org', count);
    assert.equal((await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/verify`, { methodId, code })).status, 200);
    return flowId as string;
  };

  it('gives live feedback with reasons and suggestions, in the asked language', async () => {
    const weak = await check('Sommer2024!', undefined, 'de');
    assert.equal(weak.status, 200);
    assert.equal(weak.body.accepted, false);
    assert.ok(codesOf(weak).includes('banned-term'), JSON.stringify(weak.body));
    const banned = weak.body.reasons.find((r: any) => r.code === 'banned-term');
    assert.equal(banned.key, 'password-policy.banned-term');
    assert.deepEqual(banned.params, {});
    assert.match(banned.message, /häufig verwendeten Wörtern/);
    const good = await check('kettle orbit lantern meadow');
    assert.equal(good.body.accepted, true, JSON.stringify(good.body));
    assert.ok(good.body.score >= 3);
    const common = await check('iloveyou');
    assert.ok(codesOf(common).includes('common-password'));
  });

  it('refuses the organisation name, and the user’s names only inside a verified flow', async () => {
    assert.ok(codesOf(await check('c0nt0so rocks the house')).includes('contains-personal-name'));
    const anonymous = await check('pollmann-ride-the-bus');
    assert.ok(!codesOf(anonymous).includes('contains-personal-name'), 'no user context without a verified flow');
    const flowId = await verifiedFlow();
    const personal = await check('pollmann-ride-the-bus', flowId);
    assert.ok(codesOf(personal).includes('contains-personal-name'), JSON.stringify(personal.body));
    const refused = await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/password`, { password: 'pollmann-ride-the-bus' });
    assert.equal(refused.status, 400);
    assert.ok(refused.body.error.details.reasons.some((r: any) => r.code === 'contains-personal-name'));
  });

  it('never answers with the password or a part of it, in any language, live or on refusal', async () => {
    const flowId = await verifiedFlow();
    // Each holds a distinctive run next to what the engine matches: the user name, a last name, the organisation,
    // a banned word, a repeat, a keyboard row, and one too short to score.
    const passwords = ['paulaQzvxk', 'Pollmann7Wqj', 'Contoso-Xjqv', 'Sommer2024Qj', 'zzzzzzzzzzzz', 'qwertzuiopXk', 'Xyq7'];
    const fragments = (password: string) => {
      const lower = password.toLowerCase();
      return Array.from({ length: lower.length - 4 }, (_, i) => lower.slice(i, i + 5));
    };
    const assertClean = (password: string, answer: unknown, where: string) => {
      const shown = JSON.stringify(answer).toLowerCase();
      for (const fragment of fragments(password)) assert.ok(!shown.includes(fragment), `${where}: "${fragment}" of ${password} in ${shown}`);
    };
    for (const lang of ['en', 'de', 'fr', 'pl', 'ja']) {
      for (const password of passwords) {
        const answer = await check(password, flowId, lang);
        assert.equal(answer.status, 200);
        assert.equal(answer.body.accepted, false, `${password} is refused`);
        for (const reason of answer.body.reasons) {
          assert.equal(reason.key, `password-policy.${reason.code}`);
          for (const value of Object.values(reason.params)) assert.ok(value === null || typeof value === 'number' || /^[a-z]+$/i.test(String(value)), JSON.stringify(reason));
        }
        assertClean(password, answer.body, `${lang} check`);
      }
      const names = await check('paulaQzvxk', flowId, lang);
      assert.ok(codesOf(names).includes('contains-username'), JSON.stringify(names.body));
      const refused = await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/password`, { password: 'Pollmann7Wqj' }, { headers: { 'accept-language': lang } });
      assert.equal(refused.status, 400);
      assert.ok(refused.body.error.details.reasons.some((r: any) => r.code === 'contains-personal-name'), JSON.stringify(refused.body));
      assertClean('Pollmann7Wqj', refused.body, `${lang} refusal`);
    }
  });

  it('a custom banned term added with the CLI reaches the running service', async () => {
    // Entra scoring: a banned term counts 1 point, every other character 1; under 5 points is refused.
    assert.ok(!codesOf(await check('Zebrafarm!1')).includes('banned-term'));
    const added = runCli(['policy', 'banned', 'add', 'Zebrafarm', 'quokka'], { env: env() });
    assert.equal(added.status, 0, added.stderr);
    assert.deepEqual(JSON.parse(runCli(['policy', 'banned', 'list', '--json'], { env: env() }).stdout), [{ term: 'quokka' }, { term: 'zebrafarm' }]);
    clock.advance(31_000);
    const now = await check('Zebrafarm!1');
    assert.equal(now.body.accepted, false);
    assert.ok(codesOf(now).includes('banned-term'));
    assert.ok(codesOf(await check('Z3brafarn!1')).includes('banned-term'), 'fuzzy: substitutions and one edit');
    assert.ok(!codesOf(await check('zebrafarm walks tall')).includes('banned-term'), 'enough other characters outweigh one term');
    assert.equal(runCli(['policy', 'banned', 'remove', 'quokka'], { env: env() }).status, 0);
    const missing = runCli(['policy', 'banned', 'remove', 'quokka'], { env: env() });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /not on the list: quokka/);
    assert.match(runCli(['policy', 'banned', 'add', 'abc'], { env: env() }).stderr, /4 to 64 characters/);
  });

  it('the current password cannot be reused (history)', async () => {
    const first = await verifiedFlow();
    assert.equal((await postJson(svc.baseUrl, `/api/v1/reset/${first}/password`, { password: 'granite puzzle harbour' })).status, 200);
    const second = await verifiedFlow();
    const reuse = await postJson(svc.baseUrl, `/api/v1/reset/${second}/password`, { password: 'granite puzzle harbour' });
    assert.equal(reuse.status, 400);
    assert.deepEqual(reuse.body.error.details.reasons.map((r: any) => r.code), ['in-history']);
    assert.equal((await postJson(svc.baseUrl, `/api/v1/reset/${second}/password`, { password: 'velvet canyon drummer' })).status, 200);
  });

  it('a breach corpus imported with the CLI is used after a restart', async () => {
    const file = join(svc.dataDir, 'pwned.txt');
    const filler = Array.from({ length: 300 }, (_, i) => `${sha1(`filler ${i}`).toLowerCase()}:${i + 1}`);
    const lines = [...filler, `${sha1('velvet thunder orchard')}:42`, 'not a hash line', `${sha1('filler 7')}:1`];
    writeFileSync(file, lines.join('\r\n') + '\r\n');
    const imported = runCli(['breach', 'import', file], { env: env() });
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /imported 301 hashes from 303 lines .*1 duplicates, 1 malformed/);
    const restarted = await startTestService({ dialect: 'sqlite', env: { SSPR_PASSWORD_BREACH_CORPUS_FILE: join(svc.dataDir, 'breach-corpus.bin') } });
    try {
      const breached = await postJson(restarted.baseUrl, '/api/v1/password/check', { password: 'velvet thunder orchard' });
      assert.deepEqual(codesOf(breached), ['breached']);
      assert.equal((await postJson(restarted.baseUrl, '/api/v1/password/check', { password: 'velvet thunder orchards' })).body.accepted, true);
    } finally {
      await restarted.close();
    }
    assert.match(runCli(['breach', 'import', join(svc.dataDir, 'nope.txt')], { env: env() }).stderr, /does not exist/);
  });

  it('bad input to the check endpoint', async () => {
    const wrongType = await postJson(svc.baseUrl, '/api/v1/password/check', { password: 12345678 });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.body.error.code, 'invalid-request');
    const huge = await check('x'.repeat(4000));
    assert.equal(huge.status, 200);
    assert.deepEqual(codesOf(huge), ['too-long']);
    const bogusFlow = await check('kettle orbit lantern meadow', 'A'.repeat(32));
    assert.equal(bogusFlow.body.accepted, true, 'an unknown flow id is the same as none');
  });
});
