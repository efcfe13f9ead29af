import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { passkeyClientJs, scriptTag, scripts } from '../../../src/web/assets.js';

const version = (name: string) => (JSON.parse(readFileSync(new URL(`../../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;

describe('passkey client script', () => {
  it('is plain script code (parses without modules) and has no import statements', () => {
    assert.doesNotThrow(() => new Script(passkeyClientJs));
    assert.doesNotMatch(passkeyClientJs, /^\s*import\s/m);
  });

  it('runs the ceremonies through @simplewebauthn/browser, version-matched to the server package', () => {
    const major = (name: string) => version(name).split('.')[0];
    assert.equal(major('@simplewebauthn/browser'), major('@simplewebauthn/server'), 'one major version: the same WebAuthn JSON shapes');
    assert.ok(passkeyClientJs.includes(`[@simplewebauthn/browser@${version('@simplewebauthn/browser')}]`), 'the library is bundled in front of the client');
    assert.match(passkeyClientJs, /startRegistration\(\{ optionsJSON \}\)/);
    assert.match(passkeyClientJs, /startAuthentication\(\{ optionsJSON \}\)/);
  });

  it('binds both ceremonies and sends JSON, same-origin credentials and the CSRF header', () => {
    for (const hook of ['data-passkey-register-url', 'data-passkey-login-url', 'data-passkey-register-verify-url', 'data-passkey-login-verify-url']) assert.ok(passkeyClientJs.includes(hook), hook);
    assert.match(passkeyClientJs, /'content-type': 'application\/json'/);
    assert.match(passkeyClientJs, /credentials: 'same-origin'/);
    assert.match(passkeyClientJs, /'x-csrf-token': csrf/);
    assert.match(passkeyClientJs, /aria-live/);
  });

  it('every script tag carries the integrity of the exact bytes served', () => {
    for (const [name, body] of Object.entries(scripts)) {
      const expected = `sha384-${createHash('sha384').update(body).digest('base64')}`;
      assert.ok(scriptTag(name as keyof typeof scripts).value.includes(`integrity="${expected}"`), name);
    }
  });
});
