import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  digestRecoveryCode,
  findRecoveryCode,
  formatRecoveryCode,
  generateRecoveryCodes,
  normaliseRecoveryCode,
  recoveryCodeKeyFor,
} from '../../../src/methods/recovery-codes/recovery-codes.js';
import { CROCKFORD_ALPHABET, encodeCrockford } from '../../../src/methods/recovery-codes/crockford-base32.js';

const serviceKey = Buffer.alloc(32, 7);
const aliceKey = recoveryCodeKeyFor(serviceKey, 'alice');
const displayPattern = /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/;

describe('Crockford base32', () => {
  it('has 32 symbols without I, L, O, U', () => {
    assert.equal(CROCKFORD_ALPHABET.length, 32);
    assert.equal(new Set(CROCKFORD_ALPHABET).size, 32);
    assert.doesNotMatch(CROCKFORD_ALPHABET, /[ILOU]/);
  });
  it('encodes 5 bits per symbol, most significant first', () => {
    assert.equal(encodeCrockford(new Uint8Array(10)), '0'.repeat(16));
    assert.equal(encodeCrockford(new Uint8Array(10).fill(0xff)), 'Z'.repeat(16));
    // RFC 4648 base32 of "fooba" is MZXW6YTB; the same 5-bit values in Crockford's alphabet:
    assert.equal(encodeCrockford(Buffer.from('fooba')), 'CSQPYRK1');
    assert.equal(encodeCrockford(Uint8Array.from([0x08, 0x86, 0x42, 0x98, 0xe8])), '12345678');
    assert.throws(() => encodeCrockford(new Uint8Array(3)), RangeError);
  });
});

describe('generateRecoveryCodes', () => {
  it('generates 10 distinct display codes with matching digests by default', () => {
    const { codes, digests } = generateRecoveryCodes(aliceKey);
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, displayPattern);
    assert.deepEqual(
      digests,
      codes.map((code) => digestRecoveryCode(aliceKey, code)),
    );
    assert.equal(new Set(digests).size, 10);
  });
  it('honours the count and refuses nonsense', () => {
    assert.equal(generateRecoveryCodes(aliceKey, 1).codes.length, 1);
    assert.equal(generateRecoveryCodes(aliceKey, 16).digests.length, 16);
    for (const bad of [0, -1, 2.5, 101]) assert.throws(() => generateRecoveryCodes(aliceKey, bad), RangeError);
  });
  it('carries 80 uniformly random bits: every symbol appears in every position', () => {
    const codes = generateRecoveryCodes(aliceKey, 100)
      .codes.concat(...Array.from({ length: 9 }, () => generateRecoveryCodes(aliceKey, 100).codes))
      .map((code) => normaliseRecoveryCode(code)!);
    assert.equal(codes.length, 1000);
    for (let position = 0; position < 16; position++) {
      // 1000 draws from 32 symbols: P(a symbol missing) ≈ 32·(31/32)^1000 ≈ 5e-13.
      assert.equal(new Set(codes.map((code) => code[position])).size, 32, `position ${position}`);
    }
  });
  it('stores digests that reveal nothing of the code, and differ per key', () => {
    const { codes, digests } = generateRecoveryCodes(aliceKey, 1);
    const canonical = normaliseRecoveryCode(codes[0]!)!;
    assert.ok(!digests[0]!.includes(canonical) && !digests[0]!.toUpperCase().includes(canonical));
    assert.notEqual(digestRecoveryCode(recoveryCodeKeyFor(serviceKey, 'bob'), codes[0]!), digests[0]);
    assert.equal(Buffer.from(digests[0]!, 'base64url').length, 32);
  });
  it('refuses short keys', () => {
    assert.throws(() => generateRecoveryCodes(Buffer.alloc(16)), RangeError);
    assert.equal(recoveryCodeKeyFor(serviceKey, 'x').length, 32);
  });
});

describe('normaliseRecoveryCode', () => {
  it('strips spaces and dashes, upper-cases and maps I/L → 1, O → 0', () => {
    assert.equal(normaliseRecoveryCode('abcd-efgh-jkmn-pqrs'), 'ABCDEFGHJKMNPQRS');
    assert.equal(normaliseRecoveryCode(' abcd efgh\tjkmn – pqrs '), 'ABCDEFGHJKMNPQRS');
    assert.equal(normaliseRecoveryCode('iIlL-oO00-1111-2222'), '11110000' + '11112222');
    assert.equal(normaliseRecoveryCode('ＡＢＣＤ-ＥＦＧＨ-ＪＫＭＮ-ＰＱＲＳ'), 'ABCDEFGHJKMNPQRS');
  });
  it('rejects wrong lengths and symbols outside the alphabet', () => {
    const malformed = [
      '',
      'abcd-efgh-jkmn-pqr',
      'abcd-efgh-jkmn-pqrst',
      'abcd-efgh-jkmn-pqru',
      'abcd_efgh_jkmn_pqrs',
      'abcd-efgh-jkmn-pq!s',
      'äbcd-efgh-jkmn-pqrs',
    ];
    for (const bad of malformed) {
      assert.equal(normaliseRecoveryCode(bad), null, bad);
    }
  });
  it('round-trips every code through display and sloppy typing (property)', () => {
    const aliases: Record<string, string[]> = { '1': ['1', 'i', 'I', 'l', 'L'], '0': ['0', 'o', 'O'] };
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 10, maxLength: 10 }), fc.infiniteStream(fc.nat()), (bytes, stream) => {
        const canonical = encodeCrockford(bytes);
        const choices = stream[Symbol.iterator]();
        const pick = <T>(options: readonly T[]): T => options[(choices.next().value as number) % options.length]!;
        const typed = [...canonical]
          .map((symbol) => pick(aliases[symbol] ?? [symbol, symbol.toLowerCase()]) + pick(['', '', ' ', '-']))
          .join('');
        return (
          normaliseRecoveryCode(formatRecoveryCode(canonical)) === canonical &&
          normaliseRecoveryCode(canonical) === canonical &&
          normaliseRecoveryCode(typed) === canonical
        );
      }),
    );
  });
  it('formats as four lower-case groups', () => {
    assert.equal(formatRecoveryCode('ABCDEFGHJKMNPQRS'), 'abcd-efgh-jkmn-pqrs');
  });
});

describe('digestRecoveryCode and findRecoveryCode', () => {
  const { codes, digests } = generateRecoveryCodes(aliceKey, 5);

  it('digests the normalised code, so any spelling gives the same digest', () => {
    const code = codes[0]!;
    assert.equal(digestRecoveryCode(aliceKey, code.toUpperCase().replace(/-/g, ' ')), digests[0]);
    assert.throws(() => digestRecoveryCode(aliceKey, 'not a code'), RangeError);
  });
  it('finds the index of a matching code, in any spelling', () => {
    codes.forEach((code, index) => assert.equal(findRecoveryCode(aliceKey, code, digests), index));
    assert.equal(findRecoveryCode(aliceKey, ` ${codes[3]!.toUpperCase().replace(/-/g, '')} `, digests), 3);
  });
  it('returns -1 for unknown, malformed, used or other-user codes', () => {
    const other = generateRecoveryCodes(aliceKey, 1).codes[0]!;
    assert.equal(findRecoveryCode(aliceKey, other, digests), -1);
    assert.equal(findRecoveryCode(aliceKey, 'garbage', digests), -1);
    assert.equal(findRecoveryCode(aliceKey, codes[0]!, []), -1);
    const afterUse = digests.map((digest, index) => (index === 2 ? null : digest));
    assert.equal(findRecoveryCode(aliceKey, codes[2]!, afterUse), -1);
    assert.equal(findRecoveryCode(aliceKey, codes[4]!, afterUse), 4);
    assert.equal(findRecoveryCode(recoveryCodeKeyFor(serviceKey, 'bob'), codes[0]!, digests), -1);
  });
  it('compares against every digest even after a match (no early exit)', () => {
    const read = new Set<number>();
    const watched = new Proxy([...digests, randomBytes(32).toString('base64url'), null], {
      get(target, property, receiver) {
        if (typeof property === 'string' && /^\d+$/.test(property)) read.add(Number(property));
        return Reflect.get(target, property, receiver);
      },
    });
    assert.equal(findRecoveryCode(aliceKey, codes[0]!, watched), 0);
    assert.deepEqual([...read].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
  });
});
