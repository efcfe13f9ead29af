import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/processes.js';

/** The common operator faults end in one sentence on stderr that names the thing and the fix; exit 1, no stack. */
describe('operator sentences', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sspr-operator-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const fails = (args: string[], env: Record<string, string>, sentence: RegExp) => {
    const result = runCli(args, { env });
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stderr, sentence);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    return result.stderr;
  };

  it('port in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      fails(['serve'], { SSPR_DATA_DIR: join(dir, 'port'), SSPR_PORT: String(port), SSPR_LOG_LEVEL: 'silent' },
        new RegExp(`^sspr: Port ${port} on 127\\.0\\.0\\.1 is already in use by another program: stop that program, or choose another port with SSPR_PORT`));
    } finally {
      blocker.close();
    }
  });

  it('data dir not writable', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    fails(['user', 'list'], { SSPR_DATA_DIR: join(file, 'data') }, /^sspr: The folder .*a-file\/data cannot be written \(ENOTDIR\): give the user sspr runs as write access/);
  });

  it('database unreachable', () => {
    const stderr = fails(['user', 'list'], { SSPR_DATA_DIR: join(dir, 'db'), SSPR_DATABASE_URL: 'postgres://sspr:s3cret@127.0.0.1:1/sspr' },
      /^sspr: The database at postgres:\/\/127\.0\.0\.1:1\/sspr refused the connection \(ECONNREFUSED\): start it, or correct SSPR_DATABASE_URL\.\n$/);
    assert.doesNotMatch(stderr, /s3cret/);
    fails(['config', 'check'], { SSPR_DATABASE_URL: 'postgress://sspr:s3cret@db/sspr' }, /databaseUrl: expected sqlite:PATH or postgres:/);
  });

  it('wrong master key, and a damaged secrets.json', () => {
    const data = join(dir, 'keys');
    const key = randomBytes(32).toString('base64');
    assert.equal(runCli(['user', 'add', 'olga', '--email', 'olga@example.org'], { env: { SSPR_DATA_DIR: data, SSPR_SECRETS_MASTER_KEY: key } }).status, 0);
    assert.equal(statSync(join(data, 'sspr.db')).mode & 0o777, 0o600, 'the SQLite file is private');
    assert.equal(statSync(data).mode & 0o777, 0o700, 'and so is the data dir');
    const wrong = randomBytes(32).toString('base64');
    const stderr = fails(['user', 'list'], { SSPR_DATA_DIR: data, SSPR_SECRETS_MASTER_KEY: wrong },
      /^sspr: The master key from SSPR_SECRETS_MASTER_KEY does not open the keyring in the store at sqlite:.*: give this node the master key the other nodes use/);
    assert.ok(!stderr.includes(wrong) && !stderr.includes(key));
    fails(['user', 'list'], { SSPR_DATA_DIR: data }, /^sspr: This node has no master key, but the store at sqlite:.* already holds encrypted data/);
    writeFileSync(join(data, 'secrets.json'), '{"masterKey": "hunter2hunter2", ');
    const damaged = fails(['user', 'list'], { SSPR_DATA_DIR: data }, /^sspr: The secrets file .*keys\/secrets\.json is damaged \(it is not JSON\): restore it from a backup/);
    assert.doesNotMatch(damaged, /hunter2/);
  });

  it('agent config missing a key names the variable; a config value out of range says the range', () => {
    fails(['agent', 'run'], { SSPR_AGENT_SERVER: 'https://sspr.example.org' }, /directory: missing — set SSPR_AGENT_DIRECTORY/);
    fails(['config', 'check'], { SSPR_RESET_CODE_LENGTH: '4' }, /reset\.codeLength: 4 is out of range \(6–10\)/);
  });
});
