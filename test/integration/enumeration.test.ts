import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../support/test-service.js';
import { SmtpSink } from '../support/smtp-sink.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)]!;

/**
 * "Reset user X" answers the same whether or not X exists (OWASP): same status, same body shape, same
 * cookies, and timing distributions that overlap. 200 requests each, interleaved so drift hits both equally.
 */
describe('no account enumeration through reset/start', () => {
  let svc: TestService;
  let smtp: SmtpSink;
  before(async () => {
    smtp = await SmtpSink.start();
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url });
    for (let i = 0; i < 20; i++) await svc.services.users.add({ username: `user${i}`, email: `user${i}@example.org` });
    // An administrator with one method is refused (two-gate) and told so by e-mail.
    await svc.services.users.add({ username: 'refused-admin', email: 'refused-admin@example.org', isAdmin: true });
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
  });

  it('known and unknown users are indistinguishable in status, shape, cookies and timing', async () => {
    const timings = { known: [] as number[], unknown: [] as number[] };
    const shapes = new Set<string>();
    const shape = (value: unknown): string =>
      Array.isArray(value) ? `[${value.map(shape).join(',')}]` : value && typeof value === 'object' ? `{${Object.entries(value).sort().map(([k, v]) => `${k}:${shape(v)}`).join(',')}}` : typeof value;
    for (let i = 0; i < 400; i++) {
      const kind = i % 2 === 0 ? 'known' : 'unknown';
      const username = kind === 'known' ? `user${i % 20}` : `nobody${i}`;
      const started = performance.now();
      const response = await fetch(svc.baseUrl + '/api/v1/reset/start', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) });
      const body = await response.json();
      timings[kind].push(performance.now() - started);
      assert.equal(response.status, 200);
      assert.equal(response.headers.getSetCookie().length, 0);
      assert.match((body as any).methods[0].hint, /^•••••@e•••••\.org$/);
      shapes.add(shape(body));
    }
    assert.equal(shapes.size, 1, `one body shape: ${[...shapes].join(' | ')}`);
    const [mk, mu] = [median(timings.known), median(timings.unknown)];
    const spread = Math.max(quantile(timings.known, 0.75) - quantile(timings.known, 0.25), quantile(timings.unknown, 0.75) - quantile(timings.unknown, 0.25), 0.2);
    assert.ok(Math.abs(mk - mu) <= spread, `medians ${mk.toFixed(3)} ms vs ${mu.toFixed(3)} ms differ by more than the interquartile spread ${spread.toFixed(3)} ms`);
    await svc.services.mail.drain();
    assert.equal(smtp.messages.length, 0, 'start sends nothing, for anyone');
  });

  it('a refused user who is sent a notice answers in the same time as an unknown one, and gets one notice per window', async (t) => {
    const timings = { refused: [] as number[], unknown: [] as number[] };
    const before = smtp.messages.length;
    for (let i = 0; i < 400; i++) {
      const kind = i % 2 === 0 ? 'refused' : 'unknown';
      const username = kind === 'refused' ? 'refused-admin' : `nobody-else${i}`;
      const started = performance.now();
      const response = await fetch(svc.baseUrl + '/api/v1/reset/start', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) });
      await response.arrayBuffer();
      timings[kind].push(performance.now() - started);
      assert.equal(response.status, 200);
    }
    const [mr, mu] = [median(timings.refused), median(timings.unknown)];
    const spread = Math.max(quantile(timings.refused, 0.75) - quantile(timings.refused, 0.25), quantile(timings.unknown, 0.75) - quantile(timings.unknown, 0.25), 0.2);
    t.diagnostic(`refused ${mr.toFixed(3)} ms, unknown ${mu.toFixed(3)} ms, spread ${spread.toFixed(3)} ms`);
    assert.ok(Math.abs(mr - mu) <= spread, `medians ${mr.toFixed(3)} ms vs ${mu.toFixed(3)} ms differ by more than the interquartile spread ${spread.toFixed(3)} ms`);
    await new Promise((resolve) => setImmediate(resolve));
    await svc.services.mail.drain();
    await smtp.waitFor((m) => m.to === 'refused-admin@example.org');
    assert.equal(smtp.messages.filter((m, i) => i >= before && m.to === 'refused-admin@example.org').length, 1, '200 refusals, one notice');
  });
});
