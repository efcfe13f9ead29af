import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, configKeys } from '../../src/config/load-config.js';
import { redactConfig } from '../../src/config/redact.js';
import { loadAgentConfig, AgentConfigError } from '../../src/agent/agent-config.js';
import { SsprError } from '../../src/errors/sspr-error.js';
import { directoryKinds, directorySectionSchema, directorySource, isDirectoryKind, onPremDirectoryFor, policyHintsOf } from '../../src/directory/registry.js';
import { POLICY_HINTS_OID } from '../../src/directory/ad/ad-policy-hints.js';
import type { DirectoryProbe } from '../../src/directory/onprem/onprem-directory.js';

const SECRET = 'Bind-Secret-4711';
const ldap = { kind: 'ldap', url: 'ldaps://ldap.example.test', bindDn: 'cn=svc,dc=example,dc=test', baseDn: 'dc=example,dc=test' };
const ad = { kind: 'ad', url: 'ldaps://dc1.example.test', bindUpn: 'svc@example.test', baseDn: 'DC=example,DC=test' };

function secretFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sspr-bind-')), 'bind-password');
  writeFileSync(file, content);
  return file;
}

/** The config-invalid message of a failing load, checked to name no secret. */
function invalid(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof SsprError && error.code === 'config-invalid', String(error));
    assert.ok(!error.message.includes(SECRET), 'the error must not carry the secret');
    return error.message;
  }
  assert.fail('expected config-invalid');
}

describe('directory section', () => {
  it('bindPasswordFile: the password is read from the file at start-up, one trailing newline dropped', () => {
    for (const section of [ldap, ad]) {
      const config = loadConfig({ env: { SSPR_DIRECTORY: JSON.stringify({ ...section, bindPasswordFile: secretFile(`${SECRET}\n`) }) } });
      assert.equal(config.directory?.bindPassword, SECRET);
      assert.equal(config.directory?.kind, section.kind);
    }
    const crlf = loadConfig({ env: { SSPR_DIRECTORY: JSON.stringify({ ...ldap, bindPasswordFile: secretFile(`${SECRET} \r\n`) }) } });
    assert.equal(crlf.directory?.bindPassword, `${SECRET} `, 'only the newline goes; other whitespace is part of the password');
  });

  it('bindPasswordFile has its own variable, so the JSON can stay free of secrets', () => {
    const leaf = configKeys.find((key) => key.env === 'SSPR_DIRECTORY_BIND_PASSWORD_FILE');
    assert.deepEqual(leaf, { path: ['directory', 'bindPasswordFile'], env: 'SSPR_DIRECTORY_BIND_PASSWORD_FILE', kind: 'string' });
    assert.equal(configKeys.find((key) => key.env === 'SSPR_DIRECTORY')?.kind, 'json');
    const config = loadConfig({ env: { SSPR_DIRECTORY: JSON.stringify(ad), SSPR_DIRECTORY_BIND_PASSWORD_FILE: secretFile(SECRET) } });
    assert.equal(config.directory?.bindPassword, SECRET);
  });

  it('exactly one of bindPassword and bindPasswordFile', () => {
    const both = JSON.stringify({ ...ldap, bindPassword: SECRET, bindPasswordFile: secretFile(SECRET) });
    assert.match(invalid(() => loadConfig({ env: { SSPR_DIRECTORY: both } })), /directory\.bindPassword: give exactly one of bindPassword or bindPasswordFile/);
    assert.match(invalid(() => loadConfig({ env: { SSPR_DIRECTORY: JSON.stringify(ad) } })), /directory\.bindPassword: give exactly one/);
  });

  it('a missing, unreadable or empty file is named with its dotted path; the content never appears', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-bind-'));
    const missing = join(dir, 'nope');
    assert.match(invalid(() => loadConfig({ env: { SSPR_DIRECTORY: JSON.stringify({ ...ldap, bindPasswordFile: missing }) } })), new RegExp(`directory\\.bindPasswordFile: cannot read the file ${missing} \\(ENOENT\\)`));
    assert.match(invalid(() => loadConfig({ env: { SSPR_DIRECTORY: JSON.stringify({ ...ldap, bindPasswordFile: dir }) } })), /directory\.bindPasswordFile: cannot read the file .* \(EISDIR\)/);
    assert.match(invalid(() => loadConfig({ env: { SSPR_DIRECTORY: JSON.stringify({ ...ad, bindPasswordFile: secretFile('\n') }) } })), /directory\.bindPasswordFile: the file .* is empty/);
    if (process.getuid?.() !== 0) {
      const locked = secretFile(SECRET);
      chmodSync(locked, 0o000);
      assert.match(invalid(() => loadConfig({ env: { SSPR_DIRECTORY: JSON.stringify({ ...ad, bindPasswordFile: locked }) } })), /\(EACCES\)/);
    }
  });

  it('config check output hides the password read from the file, and shows the file', () => {
    const file = secretFile(SECRET);
    const printed = JSON.stringify(redactConfig(loadConfig({ env: { SSPR_DIRECTORY: JSON.stringify({ ...ad, bindPasswordFile: file }) } })));
    assert.ok(!printed.includes(SECRET), printed);
    assert.match(printed, /"bindPassword":"\(set, hidden\)"/);
    assert.ok(printed.includes(file));
  });

  it('the kind selects the schema; an unknown kind or a key of the other kind is refused with its path', () => {
    assert.match(invalid(() => loadConfig({ env: { SSPR_DIRECTORY: JSON.stringify({ ...ldap, kind: 'nis', bindPassword: SECRET }) } })), /directory\.kind:/);
    assert.match(invalid(() => loadConfig({ env: { SSPR_DIRECTORY: JSON.stringify({ ...ldap, bindPassword: SECRET, bindUpn: 'svc@example.test' }) } })), /directory\.bindUpn: unknown key/);
    assert.match(invalid(() => loadConfig({ env: { SSPR_DIRECTORY: JSON.stringify({ ...ad, bindPassword: SECRET, url: 'ldap://dc1' }) } })), /directory\.url: plain ldap:\/\/ needs startTls/);
  });

  it('the agent reads bindPasswordFile too, with SSPR_AGENT_DIRECTORY_BIND_PASSWORD_FILE', () => {
    const env = { SSPR_AGENT_SERVER: 'https://sspr.example.test', SSPR_AGENT_DIRECTORY: JSON.stringify(ldap) };
    const config = loadAgentConfig(undefined, { ...env, SSPR_AGENT_DIRECTORY_BIND_PASSWORD_FILE: secretFile(`${SECRET}\n`) });
    assert.equal(config.directory.bindPassword, SECRET);
    assert.throws(
      () => loadAgentConfig(undefined, { ...env, SSPR_AGENT_DIRECTORY_BIND_PASSWORD_FILE: '/nonexistent/bind' }),
      (error: unknown) => error instanceof AgentConfigError && /directory\.bindPasswordFile: cannot read the file \/nonexistent\/bind \(ENOENT\)/.test(error.message),
    );
  });
});

describe('directory kind registry', () => {
  const probe = (controls: string[]): DirectoryProbe => ({ reachable: true, encrypted: true, serviceBindOk: true, supportedControls: controls, supportedExtensions: [], latencyMs: 1 });

  it('maps each kind to its connector, reader and probe reading', async () => {
    assert.deepEqual(directoryKinds, ['ldap', 'ad']);
    for (const section of [ldap, ad]) {
      const parsed = directorySectionSchema.parse({ ...section, bindPassword: SECRET });
      const connector = onPremDirectoryFor(parsed);
      assert.equal(connector.kind, section.kind);
      await connector.close();
      const source = directorySource(parsed);
      assert.equal(source.kind, section.kind);
      await source.reader.close();
    }
    assert.equal(policyHintsOf('ad', probe([POLICY_HINTS_OID])), true);
    assert.equal(policyHintsOf('ad', probe([])), false);
    assert.equal(policyHintsOf('ldap', probe([POLICY_HINTS_OID])), null);
    assert.equal(isDirectoryKind('ad'), true);
    assert.equal(isDirectoryKind('toString'), false);
  });
});
