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
});
