import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { and, eq, escapeDnValue, escapeFilterValue, not, or, present, rdn } from '../../../src/directory/ldap-common/ldap-filter.js';

describe('escapeFilterValue (RFC 4515)', () => {
  it('escapes the filter metacharacters and NUL', () => {
    assert.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a');
    assert.equal(escapeFilterValue('a\\b'), 'a\\5cb');
    assert.equal(escapeFilterValue('x\u0000y'), 'x\\00y');
    assert.equal(escapeFilterValue('\\2a'), '\\5c2a');
  });

  it('escapes non-ASCII as UTF-8 bytes', () => {
    assert.equal(escapeFilterValue('Jürgen'), 'J\\c3\\bcrgen');
    assert.equal(escapeFilterValue('日'), '\\e6\\97\\a5');
    assert.equal(escapeFilterValue('😀'), '\\f0\\9f\\98\\80');
  });

  it('leaves ordinary ASCII alone', () => {
    assert.equal(escapeFilterValue('john.doe-42@example.org'), 'john.doe-42@example.org');
  });

  it('never lets a metacharacter through, for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const escaped = escapeFilterValue(value);
        assert.ok([...escaped].every((char) => char >= ' ' && char <= '~' && !'*()'.includes(char)), escaped);
        assert.doesNotMatch(escaped.replace(/\\[0-9a-f]{2}/g, ''), /\\/);
      }),
    );
  });
});

describe('filter builder', () => {
  it('builds escaped equality, presence, and, or, not', () => {
    assert.equal(
      and(eq('objectClass', 'inetOrgPerson'), eq('uid', 'a*)(uid=*')),
      '(&(objectClass=inetOrgPerson)(uid=a\\2a\\29\\28uid=\\2a))',
    );
    assert.equal(or(eq('mail', 'x'), present('mobile')), '(|(mail=x)(mobile=*))');
    assert.equal(not(eq('cn', '(')), '(!(cn=\\28))');
  });

  it('rejects hostile attribute names and empty compositions', () => {
    for (const name of ['uid=*)(', '', '1uid', 'ui d', 'uid;binary', 'u\u0000']) {
      assert.throws(() => eq(name, 'x'), TypeError, name);
    }
    assert.throws(() => and(), TypeError);
    assert.throws(() => or(), TypeError);
  });
});

describe('escapeDnValue (RFC 4514)', () => {
  it('escapes specials, leading # or space, trailing space, NUL', () => {
    assert.equal(escapeDnValue('Doe, John'), 'Doe\\, John');
    assert.equal(escapeDnValue('a+b=c;d<e>f"g\\h'), 'a\\+b\\=c\\;d\\<e\\>f\\"g\\\\h');
    assert.equal(escapeDnValue('#x'), '\\#x');
    assert.equal(escapeDnValue(' x '), '\\ x\\ ');
    assert.equal(escapeDnValue('a\u0000b'), 'a\\00b');
    assert.equal(escapeDnValue('Jürgen'), 'Jürgen');
    assert.equal(rdn('uid', 'a,b'), 'uid=a\\,b');
  });
});
