import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { html } from '../../../src/web/html.js';
import { consoleTable, type ConsoleColumn } from '../../../src/web/admin/console-table.js';

interface Token {
  name: string;
  scope: string;
}

const columns: Array<ConsoleColumn<Token>> = [
  { label: 'Name "quoted"', rowHeader: true, cell: (t) => t.name },
  { label: 'Scope & state', cell: (t) => t.scope, cellClass: () => 'detail' },
  { label: 'Actions', hideLabel: true, cell: () => html`<form method="post" action="/x"><button type="submit">Revoke</button></form>` },
];
const table = (names: string[]) =>
  consoleTable({ id: 't', labelledBy: 'h', caption: 'Tokens', columns, rows: names.map((name) => ({ name, scope: 'a < b' })), rowAttributes: () => ({ class: 'outcome-failure' }) }).value;

describe('console tables (stacked on a phone)', () => {
  it('label every body cell with its column label, and escape every text', () => {
    const out = table(['<b>bob</b>']);
    assert.match(out, /<th scope="row" role="rowheader" data-label="Name &quot;quoted&quot;">&lt;b&gt;bob&lt;\/b&gt;<\/th>/);
    assert.match(out, /<td class="detail" role="cell" data-label="Scope &amp; state">a &lt; b<\/td>/);
    assert.match(out, /<td role="cell" data-label="Actions"><form method="post" action="\/x"><button type="submit">Revoke<\/button><\/form><\/td>/);
  });

  it('spell out the table roles, give header cells a scope, and hide a label that only screen readers need', () => {
    const out = table(['a', 'b']);
    assert.match(out, /^<div class="table-scroll stacks-narrow" tabindex="0"><table id="t" aria-labelledby="h" role="table"><caption>Tokens<\/caption>/);
    assert.match(out, /<thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">Name &quot;quoted&quot;<\/th><th scope="col" role="columnheader">Scope &amp; state<\/th>/);
    assert.match(out, /<th scope="col" role="columnheader"><span class="visually-hidden">Actions<\/span><\/th><\/tr><\/thead>/);
    assert.match(out, /<tbody role="rowgroup"><tr class="outcome-failure" role="row">/);
    assert.equal(out.match(/data-label=/g)?.length, 6);
    assert.match(out, /<\/table><\/div>$/);
  });

  it('stack a table of more than five columns in a wider box; a row may carry an id and a class', () => {
    const wide = consoleTable({
      columns: [1, 2, 3, 4, 5, 6].map((n) => ({ label: `c${n}`, cell: (row: number[]) => row[n - 1] })),
      rows: [[1, 2, 3, 4, 5, 6]],
      rowAttributes: () => ({ class: 'check-fail', id: 'check-x' }),
    }).value;
    assert.match(wide, /^<div class="table-scroll stacks-wide" tabindex="0"><table role="table"><thead/);
    assert.match(wide, /<tr class="check-fail" id="check-x" role="row">/);
    assert.match(wide, /<td role="cell" data-label="c6">6<\/td>/);
  });
});
