import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { type Browser } from 'playwright-core';
import { ProofOfWorkCaptcha, DEFAULT_CAPTCHA_MAX_NUMBER, type CaptchaVerdict } from '../../../src/captcha/altcha-captcha.js';
import { captchaClientJs } from '../../../src/web/assets.js';
import { strictCsp } from './harness-kit.js';
import { launchChromium } from '../../support/chromium.js';

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>captcha</title><script src="/assets/captcha.js" defer></script></head>
<body><main>
<form method="post" action="/submit">
  <label for="username">Username</label><input id="username" name="username" value="emma">
  <div id="captcha-status" data-captcha-challenge-url="/api/v1/captcha/challenge"></div>
  <button type="submit">Next</button>
</form>
</main></body></html>`;

interface Submission {
  payload: string;
  verdict: CaptchaVerdict;
}

/** A tiny app: the form page, the client script, the challenge endpoint, and a form target that verifies. */
async function startApp(captcha: ProofOfWorkCaptcha, submissions: Submission[]): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify();
  await app.register(formbody);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', strictCsp);
  });
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());
  app.get('/assets/captcha.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(captchaClientJs));
  app.get('/api/v1/captcha/challenge', async (_request, reply) => reply.header('cache-control', 'no-store').send(await captcha.createChallenge()));
  app.post<{ Body: { captcha?: string; username?: string } }>('/submit', async (request, reply) => {
    const payload = request.body.captcha ?? '';
    const verdict = await captcha.verify(payload);
    submissions.push({ payload, verdict });
    const text = verdict.ok ? `ok ${request.body.username ?? ''}` : verdict.reason;
    return reply.type('text/html; charset=utf-8').send(`<!doctype html><title>result</title><p id="result">${text}</p>`);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, port: (app.server.address() as AddressInfo).port };
}

describe('proof-of-work captcha solved by Chromium', () => {
  const submissions: Submission[] = [];
  const captcha = new ProofOfWorkCaptcha({ hmacKey: randomBytes(32) });
  let app: FastifyInstance;
  let baseUrl: string;
  let browser: Browser;

  before(async () => {
    const started = await startApp(captcha, submissions);
    app = started.app;
    baseUrl = `http://127.0.0.1:${started.port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('solves in the page, posts the form, and the server accepts it exactly once', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const problems: string[] = [];
    tab.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    tab.on('pageerror', (e) => problems.push(e.message));

    await tab.goto(baseUrl + '/');
    // Submitting at once exercises the held submit: the script waits for the solution, then submits.
    await tab.click('button[type=submit]');
    await tab.waitForSelector('#result');
    assert.equal(await tab.textContent('#result'), 'ok emma');
    assert.deepEqual(problems, []);

    const accepted = submissions.at(-1)!;
    assert.deepEqual(accepted.verdict, { ok: true });
    const solution = JSON.parse(Buffer.from(accepted.payload, 'base64').toString('utf8'));
    assert.deepEqual(Object.keys(solution).sort(), ['algorithm', 'challenge', 'number', 'salt', 'signature', 'took']);

    // The same payload posted again (e.g. a replayed request) is refused.
    const replay = await tab.request.post(baseUrl + '/submit', { form: { captcha: accepted.payload, username: 'emma' } });
    assert.match(await replay.text(), /replayed/);
    await context.close();
  });

  it('reports the solve time in Chromium at the default difficulty', async () => {
    const rounds = 8;
    const took: number[] = [];
    const rates: number[] = [];
    const context = await browser.newContext();
    for (let round = 0; round < rounds; round++) {
      const tab = await context.newPage();
      await tab.goto(baseUrl + '/');
      await tab.waitForSelector('#captcha-status[data-state=done]', { timeout: 30_000 });
      assert.equal(await tab.getAttribute('#captcha-status', 'aria-live'), 'polite');
      await tab.click('button[type=submit]');
      await tab.waitForSelector('#result');
      assert.equal(await tab.textContent('#result'), 'ok emma');
      const solution = JSON.parse(Buffer.from(submissions.at(-1)!.payload, 'base64').toString('utf8'));
      took.push(solution.took);
      rates.push(solution.number / Math.max(solution.took, 1));
      await tab.close();
    }
    await context.close();
    const sorted = [...took].sort((a, b) => a - b);
    const hashesPerMs = rates.reduce((sum, r) => sum + r, 0) / rates.length;
    const expectedMs = DEFAULT_CAPTCHA_MAX_NUMBER / 2 / hashesPerMs;
    console.log(
      `captcha solve in Chromium (maxNumber ${DEFAULT_CAPTCHA_MAX_NUMBER}): took ${sorted.join(', ')} ms; ` +
        `≈${Math.round(hashesPerMs * 1000)} hashes/s → expected ${Math.round(expectedMs)} ms average, ${Math.round(2 * expectedMs)} ms worst case`,
    );
    assert.ok(sorted.at(-1)! < 10_000, 'solving stays in the seconds range');
  });
});
