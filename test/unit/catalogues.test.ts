import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorCatalogue } from '../../src/errors/catalogue.js';
import { SsprError, toSsprError } from '../../src/errors/sspr-error.js';
import { t, uiTextKeys } from '../../src/web/pages/ui-text.js';

describe('message catalogues', () => {
  it('every error code has a status and English and German text with the same placeholders', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      assert.ok(entry.status >= 400 && entry.status < 600, code);
      const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(placeholders(entry.de), placeholders(entry.en), code);
      assert.notEqual(entry.de, entry.en, `${code} is translated`);
    }
  });
  it('every page text exists in both languages', () => {
    for (const key of uiTextKeys) {
      assert.ok(t('en', key).length > 0 && t('de', key).length > 0, key);
    }
  });
  it('internal errors are not exposed; client errors are', () => {
    const internal = toSsprError(new Error('db password is hunter2'));
    assert.equal(internal.code, 'internal');
    assert.equal(internal.expose, false);
    assert.doesNotMatch(internal.messageIn('en'), /hunter2/);
    const wrong = new SsprError('code-wrong', { params: { remaining: 2 } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.messageIn('de'), 'Dieser Code ist nicht korrekt. Noch 2 Versuche für diesen Code.');
  });
});
