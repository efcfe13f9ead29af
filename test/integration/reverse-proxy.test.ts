import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestService, type TestService } from '../support/test-service.js';
import { freePort } from '../support/processes.js';

const NGINX = '/usr/sbin/nginx';
const SNIPPET = resolve('deploy/nginx/sspr-location.conf');
/** The test client connects from 127.0.0.2 (all of 127/8 is loopback), so its real address differs from the proxy's. */
const CLIENT = '127.0.0.2';

/** POST JSON through the proxy from CLIENT with a forged X-Forwarded-For. */
function post(port: number, path: string, body: unknown, forged: string): Promise<number> {
  return new Promise((done, fail) => {
    const text = JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', localAddress: CLIENT, headers: { 'content-type': 'application/json', 'x-forwarded-for': forged } }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end(text);
  });
}

/** nginx from Debian with the shipped snippet, in front of a test service; trustProxy as given. */
for (const trustProxy of ['127.0.0.1', '1']) {
  describe(`behind a real nginx (trustProxy ${trustProxy})`, () => {
    let svc: TestService;
    let nginx: ChildProcess;
    let dir: string;
    let port: number;

    before(async () => {
      svc = await startTestService({ dialect: 'sqlite', env: { SSPR_TRUST_PROXY: trustProxy, SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '3' } });
      dir = mkdtempSync(join(tmpdir(), 'sspr-nginx-'));
      mkdirSync(join(dir, 'logs'));
      port = await freePort();
      writeFileSync(join(dir, 'nginx.conf'), `
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream sspr { server ${new URL(svc.baseUrl).host}; }
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    include ${SNIPPET};
  }
}
`);
      nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      nginx.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      for (let i = 0; i < 100; i++) {
        const up = await post(port, '/api/v1/nothing', {}, '1.1.1.1').then(() => true, () => false);
        if (up) break;
        if (nginx.exitCode !== null) throw new Error(`nginx did not start: ${stderr}`);
        await sleep(50);
      }
    });
    after(async () => {
      nginx?.kill('SIGTERM');
      await svc?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a forged X-Forwarded-For chooses neither the rate-limit key nor the audited address', async () => {
      // The probe in `before` spent one request of CLIENT's allowance; each request forges a new address.
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push(await post(port, '/api/v1/reset/start', { username: 'mallory' }, `203.0.113.${i + 10}`));
      assert.deepEqual(statuses.slice(0, 2).map((s) => s < 429), [true, true], statuses.join(','));
      assert.equal(statuses.at(-1), 429, `the limit holds per real address: ${statuses.join(',')}`);
      const events = await svc.services.auditLog.list({ username: 'mallory' });
      assert.ok(events.length > 0);
      for (const event of events) assert.equal(event.ip, CLIENT, 'the audit trail has the real client address');
    });
  });
}
