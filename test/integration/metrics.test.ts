import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestService, type TestService } from '../support/test-service.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { verifiedResetFlow } from '../support/reset-client.js';
import { postJson } from '../support/json-client.js';
import { parsePrometheusText } from '../support/prometheus-text.js';
import { startMetricsServer } from '../../src/web/metrics-routes.js';
import { freePort } from '../support/processes.js';

const token = randomBytes(24).toString('base64url');

describe('/metrics (Prometheus text format) behind a bearer token on the main port', () => {
  let smtp: SmtpSink;
  let svc: TestService;
  before(async () => {
    smtp = await SmtpSink.start();
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, env: { SSPR_METRICS_TOKEN: token } });
    await svc.services.users.add({ username: 'mira', email: 'mira@example.org' });
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
  });

  const scrape = async () => {
    const response = await fetch(`${svc.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await response.text());
  };

  it('refuses a scrape without the token, or with a wrong one (401, a catalogue sentence)', async () => {
    for (const headers of [{}, { authorization: `Bearer ${token}x` }, { authorization: token }, { authorization: `Bearer ${'a'.repeat(5000)}` }] as Array<Record<string, string>>) {
      const response = await fetch(`${svc.baseUrl}/metrics`, { headers });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="metrics"');
      const body = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'metrics-token-invalid');
      assert.match(body.error.message, /metrics\.token/);
    }
  });

  it('counts a reset: requests by route and status, the flow started and completed, the mail delivered', async () => {
    const before = await scrape();
    const flow = await verifiedResetFlow(svc.baseUrl, smtp, 'mira', 'mira@example.org');
    assert.equal((await postJson(svc.baseUrl, `${flow}/password`, { password: 'Quartz meadow lantern 7' })).status, 200);
    await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'nobody-here' });
    await svc.services.delivery.drain();
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => after.sum(name, labels) - before.sum(name, labels);
    assert.equal(after.types.get('sspr_http_requests_total'), 'counter');
    assert.ok(moved('sspr_http_requests_total', { route: '/api/v1/reset/start', method: 'POST', status: '200' }) >= 2);
    assert.equal(moved('sspr_flows_started_total', { flow: 'reset' }), 1);
    assert.equal(moved('sspr_flows_completed_total', { flow: 'reset' }), 1);
    assert.equal(moved('sspr_deliveries_total', { channel: 'mail', outcome: 'delivered' }) >= 1, true);
    assert.ok(after.types.get('sspr_writeback_duration_seconds') === 'histogram');
    assert.equal(after.value('sspr_agents_connected'), 0);
    assert.ok(after.types.has('sspr_reminder_runs_total'));
    assert.ok(after.types.has('sspr_process_cpu_seconds_total'), 'process metrics');
  });

  it('honours a safe X-Request-Id, echoes it and logs it; replaces a hostile one', async () => {
    const safe = 'lb-7f3a.2026:abc/def';
    const response = await fetch(`${svc.baseUrl}/healthz`, { headers: { 'x-request-id': safe } });
    assert.equal(response.headers.get('x-request-id'), safe);
    const page = await fetch(`${svc.baseUrl}/api/v1/reset/start`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-1' }, body: '{"username":"x"}' });
    assert.equal(page.headers.get('x-request-id'), 'trace-me-1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(svc.logs.some((line) => line.includes('"reqId":"trace-me-1"') && line.includes('"msg":"request"')), 'the request line carries the id');
    assert.ok(!svc.logs.some((line) => line.includes(safe) && line.includes('"level":30')), 'a health probe is not logged at info');
    for (const hostile of ['x'.repeat(129), 'a b', 'id"quote', '<script>', 'ü-umlaut']) {
      const answered = await fetch(`${svc.baseUrl}/healthz`, { headers: { 'x-request-id': hostile } });
      const echoed = answered.headers.get('x-request-id') ?? '';
      assert.notEqual(echoed, hostile);
      assert.match(echoed, /^[0-9a-f-]{36}$/);
    }
    // CR/LF cannot even be sent by fetch; a raw socket can.
    const { connect } = await import('node:net');
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(svc.baseUrl).port), '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\rInjected: yes\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    assert.doesNotMatch(raw, /Injected/i);
  });
});

describe('/metrics on a port of its own', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ dialect: 'sqlite', env: { SSPR_METRICS_PORT: String(await freePort()) } });
  });
  after(async () => svc.close());

  it('serves the exposition on the metrics port and nothing on the main port', async () => {
    const metrics = await startMetricsServer(svc.services);
    try {
      const response = await fetch(`http://127.0.0.1:${svc.services.config.metrics.port}/metrics`);
      assert.equal(response.status, 200);
      const parsed = parsePrometheusText(await response.text());
      assert.equal(parsed.types.get('sspr_flows_started_total'), 'counter');
      assert.equal((await fetch(`${svc.baseUrl}/metrics`)).status, 404);
    } finally {
      await metrics?.close();
    }
  });
});
