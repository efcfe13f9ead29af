import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlapd, type Slapd } from '../../support/slapd.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { SmtpSink } from '../../support/smtp-sink.js';
import { freePort, runCli, runCliAsync } from '../../support/processes.js';
import { createEnrolmentToken, startAgentProcess, type AgentProcess } from '../../support/agent-process.js';

/**
 * The doctor's agent checks on real agents: `agent-connected` flips with the agent process stopping and
 * starting again; `agent-network` shows what the agent met on its way in (a closed port, a service certificate
 * it does not trust) and passes once it connects cleanly. In agent mode the user-level directory checks run
 * through the agent (AgentInspector).
 */
describe('doctor: agent checks with the real agent', () => {
  let slapd: Slapd;
  let svc: TestService;
  let smtp: SmtpSink;
  let dataDir: string;
  let serverEnv: Record<string, string>;
  let directory: Record<string, unknown>;
  let tls: Server;
  let tlsDir: string;
  const running: AgentProcess[] = [];

  before(async () => {
    slapd = await startSlapd();
    await slapd.addUser({ uid: 'lena', password: 'Original-Pass-1', givenName: 'Lena', sn: 'L', mail: 'lena@example.org' });
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-agent-doctor-'));
    directory = { kind: 'ldap', url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn, passwordPolicyDn: slapd.policyDn };
    serverEnv = { SSPR_DATA_DIR: dataDir, SSPR_DIRECTORY: JSON.stringify(directory), SSPR_WRITEBACK_MODE: 'agent' };
    assert.equal(runCli(['sync'], { env: serverEnv }).status, 0);
    // Lena's only method is her address: she can reset only while e-mail can be delivered.
    smtp = await SmtpSink.start();
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, env: serverEnv, dataDir });
    tlsDir = mkdtempSync(join(tmpdir(), 'sspr-untrusted-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(tlsDir, 'key.pem'), '-out', join(tlsDir, 'cert.pem')], { stdio: 'ignore' });
    tls = createServer({ key: readFileSync(join(tlsDir, 'key.pem')), cert: readFileSync(join(tlsDir, 'cert.pem')) }, (_req, res) => res.end('not sspr'));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const agent of running) await agent?.stop().catch(() => undefined);
    tls?.close();
    await svc?.close();
    await smtp?.close();
    await slapd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(tlsDir, { recursive: true, force: true });
  });

  const check = async (id: string) => {
    const report = await svc.services.doctor.diagnoseUser('lena', 'en');
    const found = report.checks.find((c) => c.id === id);
    assert.ok(found, id);
    return { ...found, canReset: report.canReset, all: report.checks };
  };
  const agentWith = async (servers: string[], options: { dataDir?: string; enrol?: boolean } = {}) => {
    const agent = startAgentProcess({ servers, directory, dataDir: options.dataDir, token: options.enrol === false ? undefined : createEnrolmentToken(serverEnv, 'ldap') });
    running.push(agent);
    await agent.connected();
    await new Promise((r) => setTimeout(r, 100));
    return agent;
  };

  it('agent-connected: fails without an agent, passes with one, fails when it stops, passes when it is back', async () => {
    const none = await check('agent-connected');
    assert.equal(none.status, 'fail');
    assert.equal(none.canReset, false);
    const keep = mkdtempSync(join(tmpdir(), 'sspr-agent-keep-'));
    let agent = await agentWith([svc.baseUrl], { dataDir: keep });
    const up = await check('agent-connected');
    assert.equal(up.status, 'pass', up.summary);
    assert.equal(up.canReset, true, JSON.stringify(up.all.filter((c) => c.status === 'fail')));
    assert.equal((await check('account-state')).status, 'pass', 'directory checks run through the agent');
    assert.equal((await check('user-linked')).status, 'pass');
    await agent.kill('SIGTERM');
    for (let i = 0; i < 40 && (await check('agent-connected')).status !== 'fail'; i++) await new Promise((r) => setTimeout(r, 50));
    const down = await check('agent-connected');
    assert.equal(down.status, 'fail');
    assert.match(down.summary, /agent/i);
    agent = await agentWith([svc.baseUrl], { dataDir: keep, enrol: false });
    assert.equal((await check('agent-connected')).status, 'pass');
    await agent.stop();
    rmSync(keep, { recursive: true, force: true });
  });

  it('agent-network: shows a closed port and an untrusted certificate the agent met, and passes after a clean connection', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const untrusted = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
    const troubled = await agentWith([closed, untrusted, svc.baseUrl]);
    const warned = await check('agent-network');
    assert.equal(warned.status, 'warn', warned.summary);
    const evidence = JSON.stringify(warned.evidence);
    assert.match(evidence, /connection refused/);
    assert.match(evidence, /certificate is not trusted/);
    await troubled.stop();
    const clean = await agentWith([svc.baseUrl]);
    for (let i = 0; i < 40 && (await check('agent-connected')).status !== 'pass'; i++) await new Promise((r) => setTimeout(r, 50));
    await svc.services.store.db.deleteFrom('agents').where('name', '=', 'test-agent').where('connected_node', 'is', null).execute();
    assert.equal((await check('agent-network')).status, 'pass');
    await clean.stop();
  });

  it('the CLI, which no agent is connected to, says so in the doctor\'s words and where to run the doctor', async () => {
    const agent = await agentWith([svc.baseUrl]);
    for (let i = 0; i < 40 && (await check('agent-connected')).status !== 'pass'; i++) await new Promise((r) => setTimeout(r, 50));
    const result = await runCliAsync(['doctor', 'lena', '--lang', 'en'], { ...serverEnv, SSPR_LOG_LEVEL: 'silent' });
    const line = result.stdout.split('\n').find((l) => l.includes('directory-permissions')) ?? '';
    assert.match(line, /SKIP\s+directory-permissions\s+Not checked here: no agent is connected to this process/, result.stdout);
    assert.doesNotMatch(result.stdout, /try again later|password was not changed/i);
    assert.match(result.stdout, /GET \/api\/v1\/admin\/doctor\/users\/lena/);
    await agent.stop();
  });
});
