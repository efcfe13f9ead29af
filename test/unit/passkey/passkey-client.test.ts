import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Script } from 'node:vm';
import { passkeyClientJs } from '../../../src/methods/passkey/passkey-client.js';

describe('passkey client script', () => {
  it('is plain script code (parses without modules) and has no import statements', () => {
    assert.doesNotThrow(() => new Script(passkeyClientJs));
    assert.doesNotMatch(passkeyClientJs, /^\s*import\s/m);
  });

  it('binds both ceremonies and sends JSON, same-origin credentials and the CSRF header', () => {
    for (const hook of ['data-passkey-register-url', 'data-passkey-login-url', 'passkeyRegisterVerifyUrl', 'passkeyLoginVerifyUrl']) assert.ok(passkeyClientJs.includes(hook), hook);
    assert.match(passkeyClientJs, /navigator\.credentials\.create/);
    assert.match(passkeyClientJs, /navigator\.credentials\.get/);
    assert.match(passkeyClientJs, /'content-type': 'application\/json'/);
    assert.match(passkeyClientJs, /credentials: 'same-origin'/);
    assert.match(passkeyClientJs, /'x-csrf-token': csrf/);
    assert.match(passkeyClientJs, /aria-live/);
  });
});
