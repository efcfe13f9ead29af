import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCli, startServerProcess, type ServerProcess } from '../support/processes.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { postJson } from '../support/json-client.js';

async function until(what: string, test: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const queued = (env: Record<string, string>) => {
  const result = runCli(['audit', 'queue'], { env });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
};

/**
 * The outbox in the store: mail queued while the SMTP server is down survives a kill -9 of the server and goes
 * out after the restart, once the SMTP server is up; the doctor fails `mail-server-reachable` meanwhile; a
 * shutdown waits at most its deadline for a mail server that does not answer and leaves the mail queued.
 */
describe('outbox: queued mail survives kill -9 and goes out after the restart', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let smtpPort: number;
  let server: ServerProcess | null = null;
  let smtp: SmtpSink | null = null;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-outbox-'));
    smtpPort = await freePort();
    env = {
      SSPR_DATA_DIR: dataDir, SSPR_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, SSPR_CAPTCHA: 'off', SSPR_PUBLIC_URL: 'http://127.0.0.1',
      SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '0', SSPR_OUTBOX_INITIAL_BACKOFF_SECONDS: '1', SSPR_OUTBOX_MAX_BACKOFF_SECONDS: '1', SSPR_OUTBOX_MAX_ATTEMPTS: '100',
    };
    assert.equal(runCli(['user', 'add', 'kim', '--email', 'kim@example.org'], { env }).status, 0);
  });
  after(async () => {
    await server?.stop();
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the doctor fails mail-server-reachable while the SMTP server is down', () => {
    const result = runCli(['doctor', '--json'], { env });
    const report = JSON.parse(result.stdout) as { service: Array<{ id: string; status: string; summary: string }> } & Record<string, unknown>;
    const text = JSON.stringify(report);
    const check = /"id":"mail-server-reachable","status":"(\w+)","summary":"([^"]*)"/.exec(text);
    assert.ok(check, text.slice(0, 500));
    assert.equal(check[1], 'fail');
    assert.match(check[2] ?? '', /could not be reached/);
  });

  it('a code mailed while SMTP is down arrives after kill -9, restart and SMTP coming up; the flow still verifies', async () => {
    server = await startServerProcess(env);
    await until('the start-up warning', () => (server?.output() ?? '').includes('SMTP server is unreachable at start-up'));
    const started = await postJson(server.baseUrl, '/api/v1/reset/start', { username: 'kim' });
    const method = started.body.methods[0];
    assert.equal((await postJson(server.baseUrl, `/api/v1/reset/${started.body.flowId}/send`, { methodId: method.id })).status, 200);
    await until('the mail to fail once', () => (server?.output() ?? '').includes('delivery failed, will retry'));
    assert.match(queued(env), /outbox\tmail\tqueued\t1/);

    server.child.kill('SIGKILL');
    await new Promise((resolve) => server?.child.once('exit', resolve));
    server = null;
    smtp = await SmtpSink.start(smtpPort);
    server = await startServerProcess(env);
    const code = await smtp.codeFor('kim@example.org');
    assert.equal((await postJson(server.baseUrl, `/api/v1/reset/${started.body.flowId}/verify`, { methodId: method.id, code })).status, 200);
    await until('the row to be removed', () => !/outbox\tmail\tqueued/.test(queued(env)));
    assert.equal(smtp.messages.filter((m) => m.to === 'kim@example.org').length, 1, 'sent once');
  });

  it('shutdown waits at most its deadline for an SMTP server that never answers, and leaves the mail queued', async () => {
    await server?.stop();
    server = null;
    await smtp?.close();
    smtp = null;
    // A mail server that accepts the connection and never says a word.
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(smtpPort, '127.0.0.1', resolve));
    try {
      server = await startServerProcess({ ...env, SSPR_OUTBOX_SHUTDOWN_DEADLINE_SECONDS: '2' });
      const started = await postJson(server.baseUrl, '/api/v1/reset/start', { username: 'kim' });
      await postJson(server.baseUrl, `/api/v1/reset/${started.body.flowId}/send`, { methodId: started.body.methods[0].id });
      await until('the mail server to be contacted', () => sockets.size > 0);
      const stopping = performance.now();
      const code = await server.stop();
      const tookMs = performance.now() - stopping;
      server = null;
      assert.equal(code, 0);
      assert.ok(tookMs < 6000, `shutdown took ${tookMs.toFixed(0)} ms with a 2 s deadline`);
      assert.match(queued(env), /outbox\tmail\tqueued\t1/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
