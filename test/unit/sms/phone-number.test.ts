import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isE164, maskPhoneNumber, normalisePhoneNumber } from '../../../src/methods/phone/phone-number.js';

const accepts = (input: string, country: Parameters<typeof normalisePhoneNumber>[1], e164: string) =>
  assert.deepEqual(normalisePhoneNumber(input, country), { ok: true, e164 }, input);
const refuses = (input: string, country: Parameters<typeof normalisePhoneNumber>[1], reason: string) =>
  assert.deepEqual(normalisePhoneNumber(input, country), { ok: false, reason }, input);

describe('normalisePhoneNumber', () => {
  it('reads German mobile numbers in every common notation', () => {
    for (const input of [
      '+49 151 12345671',
      '+4915112345671',
      '0049 151 12345671',
      '0049 (151) 123-456.71',
      '+49 (0)151 1234 5671',
      '+49-151-123-456-71',
      '+49/151/12345671',
      '  +49 151 12345671  ',
    ]) {
      accepts(input, undefined, '+4915112345671');
    }
    accepts('0151 12345671', 'DE', '+4915112345671');
    accepts('(0151) 123 456 71', 'DE', '+4915112345671');
  });

  it('lets an international number win over the default country', () => {
    accepts('+41 78 123 45 67', 'DE', '+41781234567');
    accepts('0041 78 123 45 67', 'US', '+41781234567');
  });

  it('accepts US numbers, whose metadata cannot tell mobile from fixed line', () => {
    accepts('(201) 555-0123', 'US', '+12015550123');
    accepts('201.555.0123', 'US', '+12015550123');
    accepts('+1 201 555 0123', undefined, '+12015550123');
  });

  it('accepts UK and Swiss mobile numbers', () => {
    accepts('07400 123456', 'GB', '+447400123456');
    accepts('+44 7400 123456', undefined, '+447400123456');
    accepts('078 123 45 67', 'CH', '+41781234567');
  });

  it('refuses fixed-line numbers, which cannot receive SMS', () => {
    refuses('030 12345678', 'DE', 'not-mobile-capable');
    refuses('+49 30 12345678', undefined, 'not-mobile-capable');
    refuses('020 7946 0018', 'GB', 'not-mobile-capable');
    refuses('044 668 18 00', 'CH', 'not-mobile-capable');
  });

  it('refuses junk with a precise reason', () => {
    refuses('', 'DE', 'empty');
    refuses('   ', undefined, 'empty');
    refuses('abc', 'DE', 'not-a-number');
    refuses('call me at +49 151 12345671', undefined, 'not-a-number');
    refuses('1-800-FLOWERS', 'US', 'not-a-number');
    refuses('+49 151 +12345671', undefined, 'not-a-number');
    refuses('0151 12345671', undefined, 'needs-country-code');
    refuses('+999 1234567', undefined, 'invalid-country');
    refuses('0151 12345671', 'XX' as never, 'invalid-country');
    refuses('+49 1', undefined, 'too-short');
    refuses('12', 'DE', 'too-short');
    refuses('+49 151 1234567890123456', undefined, 'too-long');
    refuses('1'.repeat(60), 'DE', 'too-long');
    refuses('+49 151 12345671 ext. 12', undefined, 'has-extension');
    refuses('+49 151 12345671 x12', undefined, 'has-extension');
    refuses('(201) 555-0123 #4', 'US', 'has-extension');
    refuses('abc x12', 'US', 'not-a-number');
    // Possible length, but no such number range.
    refuses('0151 1234567', 'DE', 'invalid-number');
    refuses('+1 011 555 0123', undefined, 'invalid-number');
  });
});

describe('maskPhoneNumber', () => {
  it('keeps the country calling code and the last two digits', () => {
    assert.equal(maskPhoneNumber('+4915112345671'), '+49 ••••••••71');
    assert.equal(maskPhoneNumber('+12015550123'), '+1 ••••••••23');
    assert.equal(maskPhoneNumber('+41781234567'), '+41 ••••••••67');
  });

  it('does not reveal the length of the number', () => {
    assert.equal(maskPhoneNumber('+447400123456').length, maskPhoneNumber('+4915112345671').length);
    assert.equal(maskPhoneNumber('+49301234567'), '+49 ••••••••67');
  });

  it('masks anything that is not E.164 entirely', () => {
    assert.equal(maskPhoneNumber('0151 12345671'), '••••••••');
    assert.equal(maskPhoneNumber(''), '••••••••');
    assert.equal(maskPhoneNumber('+999123456'), '••••••••');
  });
});

describe('isE164', () => {
  it('checks the shape only', () => {
    assert.equal(isE164('+4915112345671'), true);
    assert.equal(isE164('+12015550123'), true);
    assert.equal(isE164('4915112345671'), false);
    assert.equal(isE164('+04915112345671'), false);
    assert.equal(isE164('+49 151 12345671'), false);
    assert.equal(isE164('+1234567890123456'), false);
  });
});
