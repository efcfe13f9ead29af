import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { settingHtml, settingLabel, settingValue } from '../../../src/web/admin/policy-change-text.js';

describe('policy preview: a changed setting in words', () => {
  it('names the setting by its form label, its dotted name small beside it', () => {
    assert.equal(settingLabel('de', 'throttles.smsPerHour'), 'SMS je Stunde (1–100)');
    assert.match(settingHtml('en', { setting: 'methodsRequired', from: '1', to: '2' }).value, /^Methods required for a reset .*<small class="setting-id">\(<code>methodsRequired<\/code>\)<\/small>$/);
    assert.equal(settingLabel('en', 'customQuestions'), 'Custom security questions');
  });

  it('says values in words: yes/no, choices, method names, question texts', () => {
    assert.equal(settingValue('de', 'contactDataCounts', 'true'), 'ja');
    assert.equal(settingValue('en', 'enabled', '"selected"'), 'members of one group');
    assert.equal(settingValue('en', 'methods', '["email","totp"]'), 'E-mail, Authenticator app');
    assert.equal(settingValue('en', 'group', 'null'), '–');
    assert.equal(settingValue('en', 'customQuestions', '[{"en":"First pet?"},{"en":"First car?"}]'), 'First pet? · First car?');
  });

  it('shows a setting or value it does not know as stored, escaped', () => {
    assert.equal(settingHtml('en', { setting: 'future<b>', from: '1', to: '2' }).value, '<code class="setting-id">future&lt;b&gt;</code>');
    assert.equal(settingValue('en', 'methods', '["carrier-pigeon"]'), 'carrier-pigeon');
    assert.equal(settingValue('en', 'group', 'not json'), 'not json');
  });
});
