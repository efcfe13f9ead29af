import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accountNameCandidates,
  checkComplexity,
  checkDisplayName,
  checkLength,
  checkUsername,
  countCharacterClasses,
  displayNameTokens,
} from '../../../src/password-policy/rules.js';
import { normalizePassword } from '../../../src/password-policy/normalize.js';
import {
  DEFAULT_PASSWORD_SETTINGS,
  passwordSettingsSchema,
  stricter,
  type PasswordSettings,
} from '../../../src/password-policy/settings.js';

const defaults: PasswordSettings = { ...DEFAULT_PASSWORD_SETTINGS };

describe('settings', () => {
  it('has NIST/AD-parity defaults', () => {
    assert.deepEqual(passwordSettingsSchema.parse({}), {
      minLength: 8,
      maxLength: 256,
      requireThreeClasses: false,
      customBanned: [],
      historyLength: 0,
      checkCommonPasswords: true,
      checkBreached: true,
      minStrengthScore: 2,
    });
  });

  it('keeps minLength within 8–64, maxLength at least 64, and min ≤ max', () => {
    assert.equal(passwordSettingsSchema.safeParse({ minLength: 7 }).success, false);
    assert.equal(passwordSettingsSchema.safeParse({ minLength: 65 }).success, false);
    assert.equal(passwordSettingsSchema.safeParse({ maxLength: 63 }).success, false);
    assert.equal(passwordSettingsSchema.safeParse({ minLength: 64, maxLength: 64 }).success, true);
  });

  it('limits the custom banned list to 1000 terms of 4+ characters', () => {
    const terms = Array.from({ length: 1001 }, (_, i) => `term${i}`);
    assert.equal(passwordSettingsSchema.safeParse({ customBanned: terms }).success, false);
    assert.equal(passwordSettingsSchema.safeParse({ customBanned: terms.slice(1) }).success, true);
    assert.equal(passwordSettingsSchema.safeParse({ customBanned: ['abc'] }).success, false);
  });

  it('stricter() keeps the stricter of our settings and the directory policy', () => {
    assert.deepEqual(stricter(defaults, { minLength: 12, complexity: true, historyLength: 24 }), {
      ...defaults,
      minLength: 12,
      requireThreeClasses: true,
      historyLength: 24,
    });
    // A weaker directory policy changes nothing.
    assert.deepEqual(stricter({ ...defaults, minLength: 10 }, { minLength: 7, complexity: false, historyLength: 0 }), {
      ...defaults,
      minLength: 10,
    });
    // A directory minimum above our maximum raises the maximum.
    assert.equal(stricter(defaults, { minLength: 300 }).maxLength, 300);
  });
});

describe('length', () => {
  it('counts code points and reports the numbers', () => {
    assert.deepEqual(checkLength(6, defaults), [{ code: 'too-short', params: { min: 8, actual: 6 } }]);
    assert.deepEqual(checkLength(8, defaults), []);
    assert.deepEqual(checkLength(257, defaults), [{ code: 'too-long', params: { max: 256, actual: 257 } }]);
  });
});

describe('composition (AD complexity parity)', () => {
  it('counts upper, lower, digit, other', () => {
    assert.equal(countCharacterClasses('abc'), 1);
    assert.equal(countCharacterClasses('Abc'), 2);
    assert.equal(countCharacterClasses('Abc1'), 3);
    assert.equal(countCharacterClasses('Abc1 '), 4);
    assert.equal(countCharacterClasses('ÄÖÜäöü'), 2);
    assert.equal(countCharacterClasses('漢字かな'), 1, 'letters without case count as "other"');
  });

  it('is off by default and asks for three classes when enabled', () => {
    assert.deepEqual(checkComplexity('alllowercase', defaults), []);
    const strict = { ...defaults, requireThreeClasses: true };
    assert.deepEqual(checkComplexity('alllowercase', strict), [
      { code: 'not-complex', params: { classes: 1, required: 3 } },
    ]);
    assert.deepEqual(checkComplexity('Lower and UPPER 9', strict), []);
  });
});

describe('account name and display name (AD rules)', () => {
  it('checks the whole account name of 3+ characters, and the bare name of DOMAIN\\user or a UPN', () => {
    assert.deepEqual(accountNameCandidates('jd'), []);
    assert.deepEqual(accountNameCandidates('CORP\\jdoe'), ['CORP\\jdoe', 'jdoe']);
    assert.deepEqual(accountNameCandidates('jdoe@example.com'), ['jdoe@example.com', 'jdoe']);
  });

  it('finds the account name case-insensitively and through substitutions', () => {
    const check = (password: string, username: string) => checkUsername(normalizePassword(password), username);
    assert.equal(check('MyJDoe-secret', 'jdoe')[0]?.code, 'contains-username');
    assert.equal(check('my-jd0e-secret', 'jdoe')[0]?.code, 'contains-username');
    assert.deepEqual(check('jd-jd-jd-jd', 'jd'), []);
    assert.equal(check('xx-jdoe-xx', 'jdoe@example.com')[0]?.code, 'contains-username');
  });

  it('splits display names on , . - _ space # tab and checks tokens of 3+ characters', () => {
    assert.deepEqual(displayNameTokens('Doe, John-Paul_Li #ab\tMüller.Jr'), ['Doe', 'John', 'Paul', 'Müller']);
    const check = (password: string, displayName: string) =>
      checkDisplayName(normalizePassword(password), displayName);
    assert.deepEqual(check('Lovely-paul-42', 'Doe, John-Paul'), [
      { code: 'contains-display-name', params: { part: 'Paul' } },
    ]);
    assert.deepEqual(check('Li-and-Ng-were-here', 'Li Ng'), []);
  });
});
