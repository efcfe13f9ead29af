import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { html } from '../../../src/web/html.js';
import { consoleTable } from '../../../src/web/admin/console-table.js';

const rows = (names: string[]) => names.map((name) => html`<tr class="outcome-failure"><th scope="row">${name}</th><td class="detail">a &lt; b</td><td><form method="post" action="/x"><button type="submit">Revoke</button></form></td></tr>`);
const table = (names: string[]) =>
  html`<table id="t" aria-labelledby="h"><caption>Tokens</caption><thead><tr><th>Name "quoted"</th><th scope="col">Scope &amp; <em>state</em></th><th><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${rows(names)}</tbody></table>`;

describe('console tables (stacked on a phone)', () => {
  it('label every body cell with the text of its column header, and keep the cells as written', () => {
    const out = consoleTable(table(['<b>bob</b>'])).value;
    assert.match(out, /<th scope="row" role="rowheader" data-label="Name &quot;quoted&quot;">&lt;b&gt;bob&lt;\/b&gt;<\/th>/);
    assert.match(out, /<td class="detail" role="cell" data-label="Scope &amp; state">a &lt; b<\/td>/);
    assert.match(out, /<td role="cell" data-label="Actions"><form method="post" action="\/x"><button type="submit">Revoke<\/button><\/form><\/td>/);
  });

  it('spell out the table roles and give column headers a scope', () => {
    const out = consoleTable(table(['a', 'b'])).value;
    assert.match(out, /^<div class="table-scroll stacks-narrow" tabindex="0"><table id="t" aria-labelledby="h" role="table"><caption>Tokens<\/caption>/);
    assert.match(out, /<thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">Name "quoted"<\/th><th scope="col" role="columnheader">Scope/);
    assert.match(out, /<tbody role="rowgroup"><tr class="outcome-failure" role="row">/);
    assert.equal(out.match(/data-label=/g)?.length, 6);
    assert.match(out, /<\/table><\/div>$/);
  });

  it('stack a table of more than five columns in a wider box', () => {
    const wide = html`<table><thead><tr>${[1, 2, 3, 4, 5, 6].map((n) => html`<th>c${n}</th>`)}</tr></thead><tbody><tr>${[1, 2, 3, 4, 5, 6].map((n) => html`<td>${n}</td>`)}</tr></tbody></table>`;
    assert.match(consoleTable(wide).value, /class="table-scroll stacks-wide"/);
    assert.match(consoleTable(wide).value, /<td role="cell" data-label="c6">6<\/td>/);
  });

  it('refuse a row with more cells than the head has columns', () => {
    assert.throws(() => consoleTable(html`<table><thead><tr><th>one</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>`), /more cells than the 1 columns/);
  });
});
