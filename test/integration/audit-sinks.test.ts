import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestService, type TestService } from '../support/test-service.js';
import { startSyslogReceiver, type SyslogReceiver } from '../support/syslog-receiver.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { startRecordingServer, type RecordingServer } from '../support/recording-server.js';
import { runCliAsync } from '../support/processes.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

async function until(what: string, test: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function recordSome(svc: TestService, count: number, tag: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    await svc.services.audit.record({ event: 'reset-start', outcome: i % 2 ? 'failure' : 'success', username: `${tag}-${i}`, detail: i % 2 ? { reason: 'user-not-found' } : {} });
  }
}

async function eventIds(svc: TestService, prefix: string): Promise<number[]> {
  return (await svc.services.auditLog.list({ limit: 10_000 })).filter((e) => e.username?.startsWith(prefix)).map((e) => e.id);
}

describe('audit events reach syslog collectors over UDP, TCP and TLS (RFC 5424)', () => {
  let receivers: SyslogReceiver[];
  let svc: TestService;
  before(async () => {
    receivers = [await startSyslogReceiver('udp'), await startSyslogReceiver('tcp'), await startSyslogReceiver('tls')];
    const sinks = receivers.map((r) => ({
      kind: 'syslog', id: `syslog-${r.transport}`, transport: r.transport, host: '127.0.0.1', port: r.port, facility: 'audit',
      ...(r.caFile ? { caFile: r.caFile, servername: 'localhost' } : {}),
    }));
    svc = await startTestService({ dialect: 'sqlite', env: { SSPR_AUDIT_SINKS: JSON.stringify(sinks) } });
  });
  after(async () => {
    await svc?.close();
    for (const r of receivers) await r?.close();
  });

  it('every event arrives on every transport as a strict RFC 5424 frame with the event as JSON', async () => {
    await recordSome(svc, 6, 'syslog');
    const ids = await eventIds(svc, 'syslog');
    for (const receiver of receivers) {
      const messages = await receiver.waitFor(6);
      assert.deepEqual(receiver.errors, [], `${receiver.transport}: frames that did not parse`);
      const got = messages.map((m) => JSON.parse(m.msg) as { id: number; event: string; outcome: string; username: string });
      assert.deepEqual(got.map((g) => g.id).sort((a, b) => a - b), ids, receiver.transport);
      for (const [i, message] of messages.entries()) {
        const payload = got[i]!;
        assert.equal(message.facility, 13);
        assert.equal(message.severity, payload.outcome === 'failure' ? 4 : 5);
        assert.equal(message.appName, 'sspr');
        assert.equal(message.msgId, 'reset-start');
        assert.deepEqual(message.structuredData, { 'sspr@32473': { eventId: String(payload.id), outcome: payload.outcome } });
      }
    }
  });
});

describe('signed webhooks (Standard Webhooks): a receiver killed mid-stream loses nothing', () => {
  let receiver: WebhookReceiver;
  let svc: TestService;
  let sinks: unknown[];
  before(async () => {
    receiver = await startWebhookReceiver(secret);
    sinks = [{ kind: 'webhook', id: 'hook', url: receiver.url, secret, timeoutMs: 1000 }];
    svc = await startTestService({
      dialect: 'sqlite',
      env: { SSPR_AUDIT_SINKS: JSON.stringify(sinks), SSPR_AUDIT_DELIVERY_INITIAL_BACKOFF_SECONDS: '1', SSPR_AUDIT_DELIVERY_MAX_BACKOFF_SECONDS: '1', SSPR_AUDIT_DELIVERY_MAX_ATTEMPTS: '50' },
    });
  });
  after(async () => {
    await svc?.close();
    await receiver?.stop();
  });

  it('delivers every event at least once, duplicates only under the same webhook-id, and never blocks the writer', async () => {
    await recordSome(svc, 10, 'hook-a');
    await until('some deliveries', () => receiver.accepted.length >= 3);
    await receiver.stop();
    const started = performance.now();
    await recordSome(svc, 10, 'hook-b');
    const writerMs = performance.now() - started;
    // Recording never waits for the sink: ten events with the receiver dead take what ten inserts take.
    assert.ok(writerMs < 1000, `recording 10 events with the receiver down took ${writerMs.toFixed(0)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await receiver.start();
    const ids = [...(await eventIds(svc, 'hook-a')), ...(await eventIds(svc, 'hook-b'))];
    await until('every event delivered', () => ids.every((id) => receiver.accepted.some((d) => d.body.data.id === id)), 20_000);
    assert.equal(receiver.rejected, 0, 'every delivery carried a valid signature');
    for (const delivery of receiver.accepted) {
      assert.equal(delivery.id, `audit-${delivery.body.data.id}`, 'webhook-id is derived from the event id (the same on every retry)');
      assert.equal(delivery.body.type, 'audit.reset-start');
    }
    const byId = new Map<string, unknown>();
    for (const delivery of receiver.accepted) {
      const previous = byId.get(delivery.id);
      if (previous) assert.deepEqual(delivery.body, previous, 'a duplicate is the same event');
      byId.set(delivery.id, delivery.body);
    }
    // The sender marks a row delivered once the receiver's answer is back, just after the receiver recorded it.
    const undelivered = async () => (await svc.services.deliveryQueue.counts('audit')).filter((c) => c.state !== 'delivered');
    await until('every row marked delivered', async () => (await undelivered()).length === 0).catch(() => undefined);
    assert.deepEqual(await undelivered(), []);
  });

  it('gives up after maxAttempts (dead letter) and sends again on replay', async () => {
    receiver.failWith = 503;
    await svc.services.audit.record({ event: 'policy-change', outcome: 'success', detail: { changed: 'dead-letter-test' } });
    const [event] = (await svc.services.auditLog.list({ limit: 10_000 })).filter((e) => e.event === 'policy-change');
    assert.ok(event);
    // This service allows 50 attempts; the row is made to fail its last one by lowering what it has left.
    await svc.services.store.db.updateTable('delivery_queue').set({ attempts: 49 }).where('event_id', '=', event.id).execute();
    await until('the dead letter', async () => (await svc.services.deliveryQueue.list('audit', 'dead')).some((row) => row.eventId === event.id));
    const dead = (await svc.services.deliveryQueue.list('audit', 'dead')).find((row) => row.eventId === event.id);
    assert.match(dead?.lastError ?? '', /HTTP 503/);
    receiver.failWith = null;
    assert.equal(receiver.accepted.some((d) => d.body.data.id === event.id), false);
    // The real CLI against the same store, as an operator would run it next to the server.
    const replay = await runCliAsync(['audit', 'replay', '--dead-letter', '--sink', 'hook'], { SSPR_DATA_DIR: svc.dataDir, SSPR_AUDIT_SINKS: JSON.stringify(sinks) });
    assert.equal(replay.status, 0, replay.stderr);
    assert.match(replay.stdout, /^1 deliveries queued again/);
    const unknown = await runCliAsync(['audit', 'replay', '--sink', 'nope'], { SSPR_DATA_DIR: svc.dataDir, SSPR_AUDIT_SINKS: JSON.stringify(sinks) });
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /there is no audit sink "nope"; the configured sinks are hook/);
    await until('the replayed event', () => receiver.accepted.some((d) => d.body.data.id === event.id));
  });
});

describe('a sink that never answers does not slow a reset', () => {
  let hanging: RecordingServer;
  let svc: TestService;
  before(async () => {
    hanging = await startRecordingServer(() => 'never-answer');
    const sinks = [{ kind: 'webhook', id: 'stuck', url: `${hanging.origin}/hook`, secret, timeoutMs: 1000 }];
    svc = await startTestService({ dialect: 'sqlite', env: { SSPR_AUDIT_SINKS: JSON.stringify(sinks) } });
    await svc.services.users.add({ username: 'alice', email: 'alice@example.org' });
  });
  after(async () => {
    await svc?.close();
    await hanging?.close();
  });

  it('reset/start answers fast while every delivery hangs', async () => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const response = await fetch(`${svc.baseUrl}/api/v1/reset/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice' }) });
      await response.arrayBuffer();
      times.push(performance.now() - started);
      assert.equal(response.status, 200);
    }
    const worst = Math.max(...times);
    assert.ok(worst < 500, `slowest reset/start ${worst.toFixed(0)} ms with a hanging sink`);
    await until('the hanging sink to have been tried', () => hanging.requests.length > 0);
  });
});

describe('the log sink, and a webhook secret from a file', () => {
  let receiver: WebhookReceiver;
  let svc: TestService;
  let dir: string;
  before(async () => {
    receiver = await startWebhookReceiver(secret);
    dir = mkdtempSync(join(tmpdir(), 'sspr-hook-secret-'));
    writeFileSync(join(dir, 'hook.secret'), `${secret}\n`, { mode: 0o600 });
    const sinks = [{ kind: 'log', id: 'log' }, { kind: 'webhook', id: 'hook', url: receiver.url, secretFile: join(dir, 'hook.secret') }];
    svc = await startTestService({ dialect: 'sqlite', env: { SSPR_AUDIT_SINKS: JSON.stringify(sinks) } });
  });
  after(async () => {
    await svc?.close();
    await receiver?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes each event as JSON to the service log, and signs with the secret from the file', async () => {
    await svc.services.audit.record({ event: 'policy-change', outcome: 'success', detail: { changed: 'log-sink-test' } });
    await until('the log line', () => svc.logs.some((line) => line.includes('"msg":"audit event"') && line.includes('log-sink-test')));
    const line = JSON.parse(svc.logs.find((l) => l.includes('log-sink-test'))!) as { audit: { event: string; id: number } };
    assert.equal(line.audit.event, 'policy-change');
    await until('the webhook', () => receiver.accepted.some((d) => d.body.data.id === line.audit.id));
    assert.equal(receiver.rejected, 0);
  });

  it('never prints the inline secret in the redacted config', async () => {
    const { redactConfig } = await import('../../src/config/redact.js');
    const { loadConfig } = await import('../../src/config/load-config.js');
    const config = loadConfig({ env: { SSPR_AUDIT_SINKS: JSON.stringify([{ kind: 'webhook', id: 'x', url: 'https://siem.example.org/hook', secret }]) } });
    const printed = JSON.stringify(redactConfig(config));
    assert.ok(!printed.includes(secret.slice(6)), printed);
    assert.match(printed, /"secret":"\(set, hidden\)"/);
  });
});

describe('two nodes on one PostgreSQL send each event once in normal operation', () => {
  let receiver: WebhookReceiver;
  let nodes: TestService[];
  let drop: () => Promise<void>;
  before(async () => {
    const { createTestDatabase } = await import('../support/postgres.js');
    const database = await createTestDatabase();
    drop = database.drop;
    receiver = await startWebhookReceiver(secret);
    const env = {
      SSPR_DATABASE_URL: database.url,
      SSPR_SECRETS_MASTER_KEY: randomBytes(32).toString('base64'),
      SSPR_AUDIT_SINKS: JSON.stringify([{ kind: 'webhook', id: 'hook', url: receiver.url, secret }]),
      SSPR_AUDIT_DELIVERY_CONCURRENCY: '8',
    };
    nodes = [await startTestService({ dialect: 'sqlite', env }), await startTestService({ dialect: 'sqlite', env })];
  });
  after(async () => {
    for (const node of nodes) await node?.close();
    await receiver?.stop();
    await drop();
  });

  it('200 events recorded on both nodes arrive exactly once each', async () => {
    await Promise.all(nodes.map(async (node, n) => {
      for (let i = 0; i < 100; i++) await node.services.audit.record({ event: 'reset-start', outcome: 'success', username: `pg-${n}-${i}` });
    }));
    const ids = await eventIds(nodes[0]!, 'pg-');
    assert.equal(ids.length, 200);
    await until('every event delivered', () => new Set(receiver.accepted.map((d) => d.id)).size >= 200, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(receiver.accepted.length, 200, 'no event sent twice');
    assert.deepEqual([...new Set(receiver.accepted.map((d) => d.body.data.id))].sort((a, b) => a - b), ids);
    const senders = await nodes[0]!.services.store.db.selectFrom('delivery_queue').select('leased_by').distinct().execute();
    assert.equal(senders.length, 2, 'both nodes sent part of the queue');
  });
});
