import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unicodePwdValue } from '../../../src/directory/ad/unicode-pwd.js';

describe('unicodePwdValue', () => {
  it('wraps in double quotes and encodes UTF-16LE (MS-ADTS 3.1.1.3.1.5.1)', () => {
    assert.deepEqual(unicodePwdValue('Ab1!'), Buffer.from([0x22, 0, 0x41, 0, 0x62, 0, 0x31, 0, 0x21, 0, 0x22, 0]));
  });

  it('encodes non-ASCII BMP characters as one code unit each', () => {
    // é U+00E9, ß U+00DF, Ж U+0416, 中 U+4E2D
    assert.deepEqual(
      unicodePwdValue('éßЖ中'),
      Buffer.from([0x22, 0, 0xe9, 0x00, 0xdf, 0x00, 0x16, 0x04, 0x2d, 0x4e, 0x22, 0]),
    );
  });

  it('encodes astral characters as surrogate pairs', () => {
    // 😀 U+1F600 = D83D DE00
    assert.deepEqual(unicodePwdValue('😀'), Buffer.from([0x22, 0, 0x3d, 0xd8, 0x00, 0xde, 0x22, 0]));
  });

  it('NFC-normalises so composed and decomposed input give the same bytes', () => {
    assert.deepEqual(unicodePwdValue('Caf\u0065\u0301!1'), unicodePwdValue('Caf\u00e9!1'));
  });

  it('keeps quotes and backslashes inside the password verbatim', () => {
    assert.equal(unicodePwdValue('a"b\\c').toString('utf16le'), '"a"b\\c"');
  });
});
