import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Script } from 'node:vm';
import { captchaClientJs } from '../../../src/web/assets.js';

describe('captcha client script', () => {
  it('is plain script code (parses without modules) and has no import statements', () => {
    assert.doesNotThrow(() => new Script(captchaClientJs));
    assert.doesNotMatch(captchaClientJs, /^\s*import\s/m);
  });

  it('hashes with crypto.subtle and writes the widget payload fields', () => {
    assert.match(captchaClientJs, /crypto\.subtle\.digest\('SHA-256'/);
    for (const field of ['algorithm', 'challenge', 'number', 'salt', 'signature', 'took']) assert.match(captchaClientJs, new RegExp(`\\b${field}\\b`));
    assert.match(captchaClientJs, /aria-live/);
    assert.match(captchaClientJs, /input\[name="captcha"\]/);
  });
});
