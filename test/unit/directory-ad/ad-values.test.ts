import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filetimeToUnixMs, guidToUuid, intervalToSeconds, largeInteger, sidToString } from '../../../src/directory/ad/ad-values.js';
import { POLICY_HINTS_DEPRECATED_OID, POLICY_HINTS_OID, PolicyHintsControl, policyHintsOid } from '../../../src/directory/ad/ad-policy-hints.js';
import { BerWriter } from 'ldapts';

describe('AD value conversions', () => {
  it('objectGUID: little-endian first three fields (value seen from Samba, checked against samba-tool)', () => {
    const bytes = Buffer.from('KtdEtZycA0+Or7aXRoYdlA==', 'base64');
    assert.equal(guidToUuid(bytes), 'b544d72a-9c9c-4f03-8eaf-b69746861d94');
    assert.throws(() => guidToUuid(Buffer.alloc(15)));
  });

  it('objectSid to string', () => {
    assert.equal(sidToString(Buffer.from('AQQAAAAAAAUVAAAAAgfA4OLsGT/bxHOd', 'base64')), 'S-1-5-21-3770681090-1058663650-2641609947');
    assert.equal(sidToString(Buffer.from([1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0])), 'S-1-5-32-544');
  });

  it('large integers stay exact; intervals become seconds; FILETIME becomes Unix ms', () => {
    assert.equal(largeInteger('9223372036854775807'), 0x7fffffffffffffffn);
    assert.equal(largeInteger('-1'), -1n);
    assert.equal(largeInteger(undefined), null);
    assert.equal(intervalToSeconds('-864000000000'), 86_400);
    assert.equal(intervalToSeconds('0'), 0);
    assert.equal(filetimeToUnixMs(116_444_736_000_000_000n), 0);
  });
});

describe('policy hints control', () => {
  it('prefers the current OID, falls back to the deprecated one, else none', () => {
    assert.equal(policyHintsOid([POLICY_HINTS_DEPRECATED_OID, POLICY_HINTS_OID]), POLICY_HINTS_OID);
    assert.equal(policyHintsOid([POLICY_HINTS_DEPRECATED_OID]), POLICY_HINTS_DEPRECATED_OID);
    assert.equal(policyHintsOid(['1.2.840.113556.1.4.319']), null);
  });

  it('encodes SEQUENCE { critical, value 30 03 02 01 01 }', () => {
    const writer = new BerWriter();
    new PolicyHintsControl(POLICY_HINTS_OID).write(writer);
    const hex = writer.buffer.toString('hex');
    assert.ok(hex.endsWith('0101ff04053003020101'), hex);
    assert.ok(hex.includes(Buffer.from(POLICY_HINTS_OID).toString('hex')));
  });
});
