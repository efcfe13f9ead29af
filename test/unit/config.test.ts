import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, configKeys } from '../../src/config/load-config.js';
import { envNameFor } from '../../src/config/env-keys.js';
import { redactConfig } from '../../src/config/redact.js';
import { SsprError } from '../../src/errors/sspr-error.js';

const fails = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (error: unknown) => error instanceof SsprError && error.code === 'config-invalid' && pattern.test(error.message));

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, './data');
    assert.equal(config.reset.codeTtlSeconds, 300);
    assert.equal(config.reset.flowTtlSeconds, 900);
    assert.equal(config.reset.maxCodeAttempts, 3);
    assert.equal(config.password.minLength, 8);
    assert.equal(config.password.maxLength, 256);
  });

  it('maps the fixed environment variable names', () => {
    const names = configKeys.map((leaf) => leaf.env);
    for (const fixed of ['SSPR_PORT', 'SSPR_HOST', 'SSPR_DATA_DIR', 'SSPR_DATABASE_URL', 'SSPR_SMTP_URL', 'SSPR_PUBLIC_URL']) {
      assert.ok(names.includes(fixed), fixed);
    }
    assert.equal(envNameFor(['reset', 'codeTtlSeconds']), 'SSPR_RESET_CODE_TTL_SECONDS');
  });

  it('lets the environment override the file, with typed values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-config-'));
    const file = join(dir, 'sspr.json');
    writeFileSync(file, JSON.stringify({ port: 9000, reset: { codeLength: 8 }, demo: false }));
    const config = loadConfig({ file, env: { SSPR_PORT: '9100', SSPR_DEMO: 'on', SSPR_RESET_MAX_CODE_ATTEMPTS: '5' } });
    assert.equal(config.port, 9100);
    assert.equal(config.demo, true);
    assert.equal(config.reset.codeLength, 8);
    assert.equal(config.reset.maxCodeAttempts, 5);
  });

  it('SSPR_CONFIG names the file when --config is not given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-config-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ organisation: { name: 'Contoso' } }));
    assert.equal(loadConfig({ env: { SSPR_CONFIG: file } }).organisation.name, 'Contoso');
  });

  it('rejects unknown keys, wrong types and out-of-range values with the dotted path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-config-'));
    const write = (value: unknown) => {
      const file = join(dir, `${Math.random()}.json`);
      writeFileSync(file, JSON.stringify(value));
      return file;
    };
    fails(() => loadConfig({ file: write({ smtp: { host: 'x' } }), env: {} }), /smtp\.host: unknown key/);
    fails(() => loadConfig({ file: write({ reset: { codeLength: 4 } }), env: {} }), /reset\.codeLength/);
    fails(() => loadConfig({ file: write({ password: { maxLength: 32 } }), env: {} }), /password\.maxLength/);
    fails(() => loadConfig({ file: write([1, 2]), env: {} }), /must hold a JSON object/);
    fails(() => loadConfig({ file: join(dir, 'missing.json'), env: {} }), /cannot read the config file/);
    fails(() => loadConfig({ env: { SSPR_DEMO: 'maybe' } }), /SSPR_DEMO: expected true or false/);
    fails(() => loadConfig({ env: { SSPR_SMTP_URL: 'http://mail' } }), /smtp\.url/);
    fails(() => loadConfig({ env: { SSPR_PUBLIC_URL: 'ftp://x' } }), /publicUrl/);
    fails(() => loadConfig({ env: { SSPR_SECRETS_MASTER_KEY: 'short' } }), /secrets\.masterKey/);
  });

  it('ignores variables reserved for tests, rejects other unknown SSPR_ variables', () => {
    assert.doesNotThrow(() => loadConfig({ env: { SSPR_TEST_PG_URL: 'x' } }));
    fails(() => loadConfig({ env: { SSPR_SMPT_URL: 'smtp://x' } }), /unknown environment variable SSPR_SMPT_URL/);
  });

  it('redacts secrets for printing', () => {
    const config = loadConfig({ env: { SSPR_DATABASE_URL: 'postgres://u:pw@h/db', SSPR_SECRETS_MASTER_KEY: 'A'.repeat(43) + '=' } });
    const shown = JSON.stringify(redactConfig(config));
    assert.doesNotMatch(shown, /pw@h|AAAAAAAA/);
    assert.match(shown, /\(set, hidden\)/);
  });

  it('names Kubernetes service links among unknown SSPR_ variables, and in SSPR_PORT', () => {
    fails(() => loadConfig({ env: { SSPR_SERVICE_HOST: '10.96.0.12' } }), /unknown environment variable SSPR_SERVICE_HOST — it looks like a Kubernetes service link .*enableServiceLinks: false/);
    fails(() => loadConfig({ env: { SSPR_PORT_8080_TCP_ADDR: '10.96.0.12' } }), /Kubernetes service link/);
    fails(() => loadConfig({ env: { SSPR_PORT: 'tcp://10.96.0.12:8080' } }), /SSPR_PORT: expected a number, got "tcp:\/\/10\.96\.0\.12:8080" — it looks like a Kubernetes service link/);
    fails(() => loadConfig({ env: { SSPR_SMPT_URL: 'smtp://x' } }), /^(?!.*Kubernetes)/);
  });

  it('reads every secret key from a file named by SSPR_…_FILE, never both, never showing the contents', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-config-'));
    const key = `${'B'.repeat(43)}=`;
    writeFileSync(join(dir, 'master'), `${key}\n`);
    writeFileSync(join(dir, 'db'), 'postgres://sspr:s3cret@db:5432/sspr\n');
    writeFileSync(join(dir, 'smtp'), 'smtps://user:hunter2@mail.example.org:465');
    const config = loadConfig({ env: { SSPR_SECRETS_MASTER_KEY_FILE: join(dir, 'master'), SSPR_DATABASE_URL_FILE: join(dir, 'db'), SSPR_SMTP_URL_FILE: join(dir, 'smtp') } });
    assert.equal(config.secrets.masterKey, key);
    assert.equal(config.databaseUrl, 'postgres://sspr:s3cret@db:5432/sspr');
    assert.equal(config.smtp.url, 'smtps://user:hunter2@mail.example.org:465');
    assert.doesNotMatch(JSON.stringify(redactConfig(config)), /BBBB|s3cret|hunter2/);
    fails(() => loadConfig({ env: { SSPR_SMTP_URL: 'smtp://x', SSPR_SMTP_URL_FILE: join(dir, 'smtp') } }), /set SSPR_SMTP_URL or SSPR_SMTP_URL_FILE, not both/);
    fails(() => loadConfig({ env: { SSPR_SMS_SECRET_FILE: join(dir, 'missing') } }), /SSPR_SMS_SECRET_FILE: cannot read .*missing \(ENOENT\)/);
    writeFileSync(join(dir, 'bad-master'), 'not-base64-hunter2');
    assert.throws(() => loadConfig({ env: { SSPR_SECRETS_MASTER_KEY_FILE: join(dir, 'bad-master') } }), (error: unknown) => error instanceof SsprError && /secrets\.masterKey/.test(error.message) && !error.message.includes('hunter2'));
    fails(() => loadConfig({ env: { SSPR_HOST_FILE: join(dir, 'smtp') } }), /unknown environment variable SSPR_HOST_FILE/);
  });

  it('takes only sqlite: or postgres:// database URLs, without echoing them', () => {
    assert.throws(() => loadConfig({ env: { SSPR_DATABASE_URL: 'postgress://u:pw@h/db' } }), (error: unknown) => error instanceof SsprError && /databaseUrl: expected sqlite:PATH or postgres:/.test(error.message) && !error.message.includes('pw@h'));
    assert.equal(loadConfig({ env: { SSPR_DATABASE_URL: 'postgresql://h/db' } }).databaseUrl, 'postgresql://h/db');
    assert.equal(loadConfig({ env: { SSPR_DATABASE_URL: 'sqlite:/var/lib/sspr/sspr.db' } }).databaseUrl, 'sqlite:/var/lib/sspr/sspr.db');
  });

  it('trustProxy: false, true, a hop count, or addresses and CIDRs', () => {
    assert.equal(loadConfig({ env: {} }).trustProxy, false);
    assert.equal(loadConfig({ env: { SSPR_TRUST_PROXY: 'true' } }).trustProxy, true);
    assert.equal(loadConfig({ env: { SSPR_TRUST_PROXY: '2' } }).trustProxy, 2);
    assert.deepEqual(loadConfig({ env: { SSPR_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' } }).trustProxy, ['127.0.0.1', '10.0.0.0/8', '::1']);
    fails(() => loadConfig({ env: { SSPR_TRUST_PROXY: '10.0.0.0/33' } }), /trustProxy.*IP address or CIDR/);
    fails(() => loadConfig({ env: { SSPR_TRUST_PROXY: 'proxy.example.org' } }), /trustProxy/);
    fails(() => loadConfig({ env: { SSPR_TRUST_PROXY: '0' } }), /trustProxy/);
  });

  it('http.workers: 1 by default, a whole number from 1 to 64 or auto; one sentence for anything else', () => {
    assert.equal(loadConfig({ env: {} }).http.workers, 1);
    assert.equal(loadConfig({ env: { SSPR_HTTP_WORKERS: '4' } }).http.workers, 4);
    assert.equal(loadConfig({ env: { SSPR_HTTP_WORKERS: 'auto' } }).http.workers, 'auto');
    for (const bad of ['0', '-1', 'lots', '1.5', '65']) fails(() => loadConfig({ env: { SSPR_HTTP_WORKERS: bad } }), /http\.workers: expected a whole number from 1 to 64, or "auto"/);
    const file = join(mkdtempSync(join(tmpdir(), 'sspr-config-')), 'config.json');
    writeFileSync(file, JSON.stringify({ http: { workers: 0 } }));
    fails(() => loadConfig({ file, env: {} }), /http\.workers: expected a whole number/);
  });

  it('more than one worker: refused with agent writeback on SQLite and in demo mode, taken with agent writeback on PostgreSQL', () => {
    fails(() => loadConfig({ env: { SSPR_HTTP_WORKERS: '2', SSPR_WRITEBACK_MODE: 'agent' } }), /http\.workers: .*writeback\.mode "agent" needs PostgreSQL/);
    fails(() => loadConfig({ env: { SSPR_HTTP_WORKERS: 'auto', SSPR_DEMO: 'true' } }), /http\.workers: demo mode runs one worker/);
    assert.equal(loadConfig({ env: { SSPR_HTTP_WORKERS: '2', SSPR_WRITEBACK_MODE: 'agent', SSPR_DATABASE_URL: 'postgres://sspr@127.0.0.1/sspr' } }).http.workers, 2);
    assert.equal(loadConfig({ env: { SSPR_HTTP_WORKERS: '1', SSPR_WRITEBACK_MODE: 'agent' } }).http.workers, 1);
  });
});
