import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csvField } from '../../../src/cli/audit-command.js';

describe('audit export CSV fields (RFC 4180, formulas defused)', () => {
  it('leaves plain text and numbers alone; null is empty', () => {
    assert.equal(csvField('alice'), 'alice');
    assert.equal(csvField(42), '42');
    assert.equal(csvField(null), '');
  });

  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('one\ntwo'), '"one\ntwo"');
    assert.equal(csvField('one\r\ntwo'), '"one\r\ntwo"');
  });

  it('prefixes text a spreadsheet would run as a formula', () => {
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) assert.equal(csvField(formula).replace(/^"/, '').startsWith("'"), true, formula);
    assert.equal(csvField('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
    assert.equal(csvField(-1), '-1', 'numbers are not text');
  });
});
