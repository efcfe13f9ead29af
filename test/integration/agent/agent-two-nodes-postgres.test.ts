import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startSlapd, type Slapd } from '../../support/slapd.js';
import { SmtpSink } from '../../support/smtp-sink.js';
import { createTestDatabase } from '../../support/postgres.js';
import { verifiedResetFlow } from '../../support/reset-client.js';
import { postJson } from '../../support/json-client.js';
import { runCli, startServerProcess, type ServerProcess } from '../../support/processes.js';
import { createEnrolmentToken, startAgentProcess, type AgentProcess } from '../../support/agent-process.js';
import { LdapDirectory } from '../../../src/directory/ldap/ldap-directory.js';

/**
 * Two server nodes on one PostgreSQL database, the agent connected to node B only: a reset submitted to node A
 * is carried out through B (LISTEN/NOTIFY), and when B is killed (-9) while the job is in the agent's hands, the
 * agent reconnects to A and delivers the result there, so the user on A gets a definite answer and the reset is
 * applied exactly once.
 */
describe('agent writeback across two server nodes (PostgreSQL)', () => {
  let slapd: Slapd;
  let smtp: SmtpSink;
  let database: { url: string; drop: () => Promise<void> };
  let db: pg.Client;
  let nodeA: ServerProcess;
  let nodeB: ServerProcess;
  let agent: AgentProcess;
  let check: LdapDirectory;
  const dataDirs: string[] = [];

  before(async () => {
    slapd = await startSlapd();
    smtp = await SmtpSink.start();
    database = await createTestDatabase();
    for (const uid of ['nina', 'paul']) await slapd.addUser({ uid, password: `Original-Pass-${uid}`, givenName: uid, sn: 'Test', mail: `${uid}@example.org` });
    const directory = { kind: 'ldap', url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn, passwordPolicyDn: slapd.policyDn, timeoutMs: 3000 };
    const shared = {
      SSPR_DATABASE_URL: database.url,
      SSPR_SECRETS_MASTER_KEY: randomBytes(32).toString('base64'),
      SSPR_DIRECTORY: JSON.stringify(directory),
      SSPR_WRITEBACK_MODE: 'agent',
      SSPR_SMTP_URL: smtp.url,
      SSPR_CAPTCHA: 'off',
      SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '0',
    };
    const envFor = () => {
      const dir = mkdtempSync(join(tmpdir(), 'sspr-node-'));
      dataDirs.push(dir);
      return { ...shared, SSPR_DATA_DIR: dir };
    };
    const cliEnv = envFor();
    assert.equal(runCli(['sync'], { env: cliEnv }).status, 0);
    nodeA = await startServerProcess(envFor());
    nodeB = await startServerProcess(envFor());
    agent = startAgentProcess({ servers: [nodeB.baseUrl, nodeA.baseUrl], directory, token: createEnrolmentToken(cliEnv, 'ldap') });
    await agent.connected();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    check = LdapDirectory.fromConfig({ url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn });
  });
  after(async () => {
    await agent?.stop();
    await nodeA?.stop();
    await nodeB?.stop();
    await db?.end();
    await check?.close();
    await database?.drop();
    await smtp?.close();
    await slapd?.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  const verifiedFlowOnA = (username: string) => verifiedResetFlow(nodeA.baseUrl, smtp, username, `${username}@example.org`);
  const directoryAccepts = async (username: string, password: string) => check.verifyPassword((await check.findAccount(username))!, password);
  const auditEvents = async (username: string) =>
    (await db.query<{ event: string }>('SELECT event FROM audit_events WHERE username = $1 ORDER BY id', [username])).rows.map((r) => r.event);

  it('a reset submitted to node A is carried out by the agent connected to node B', async () => {
    const flow = await verifiedFlowOnA('nina');
    const answer = await postJson(nodeA.baseUrl, `${flow}/password`, { password: 'Harbour lantern cedar 3' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(await directoryAccepts('nina', 'Harbour lantern cedar 3'), true);
    const job = await db.query<{ state: string; envelopes: string | null; node_id: string }>("SELECT state, envelopes, node_id FROM writeback_jobs WHERE username = 'nina' AND operation = 'reset'");
    assert.equal(job.rows[0]?.state, 'succeeded');
    assert.equal(job.rows[0]?.envelopes, null);
  });

  it('killing node B (-9) mid-job: the agent delivers the result to node A; applied once, answered once', async () => {
    const flow = await verifiedFlowOnA('paul');
    slapd.signal('SIGSTOP');
    const pending = postJson(nodeA.baseUrl, `${flow}/password`, { password: 'Meadow quartz violin 9' });
    try {
      for (let i = 0; ; i++) {
        const row = await db.query("SELECT 1 FROM writeback_jobs WHERE username = 'paul' AND state = 'dispatched'");
        if (row.rowCount) break;
        assert.ok(i < 200, 'the job was never dispatched');
        await new Promise((r) => setTimeout(r, 25));
      }
      await new Promise((r) => setTimeout(r, 150));
      nodeB.child.kill('SIGKILL');
    } finally {
      slapd.signal('SIGCONT');
    }
    const answer = await pending;
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(await directoryAccepts('paul', 'Meadow quartz violin 9'), true);
    await agent.connected(2);
    const trail = await auditEvents('paul');
    assert.equal(trail.filter((e) => e === 'writeback.reset.success').length, 1, trail.join(','));
    assert.equal(trail.filter((e) => e === 'writeback.reset.failure').length, 0, trail.join(','));
  });
});
