import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, percentLine, rankChart } from '../../../src/web/admin/svg-charts.js';
import { escapeLike } from '../../../src/store/user-search-repository.js';

const text = { title: 'Resets <per> day', description: 'Bars & counts', columns: ['Day', 'Resets', 'Refusals'], tableLabel: 'Show the numbers' };

describe('console charts (server-rendered SVG)', () => {
  it('carry an accessible name and description, and the same numbers as a table', () => {
    const svg = barChart('c1', text, [{ label: '01.12.', values: [3, 1] }, { label: '02.12.', values: [0, 7] }]).value;
    assert.match(svg, /role="img" aria-labelledby="c1-title c1-desc"/);
    assert.match(svg, /<title id="c1-title">Resets &lt;per&gt; day<\/title><desc id="c1-desc">Bars &amp; counts<\/desc>/);
    assert.match(svg, /<tr role="row"><th scope="row" role="rowheader" data-label="Day">02\.12\.<\/th><td role="cell" data-label="Resets">0<\/td><td role="cell" data-label="Refusals">7<\/td><\/tr>/);
    assert.doesNotMatch(svg, /style=|fill="#/, 'colours come from CSS (light and dark mode, CSP without inline styles)');
  });

  it('escape labels that came from the store', () => {
    const svg = rankChart('c2', text, [{ label: '<script>alert(1)</script>', value: 2 }]).value;
    assert.doesNotMatch(svg, /<script>/);
    assert.match(svg, /&lt;script&gt;/);
  });

  it('say in words that a ranking has nothing to rank, instead of an empty picture', () => {
    const empty = rankChart('c6', { ...text, description: 'No refusals in the last 30 days.' }, []).value;
    assert.equal(empty, '<p class="chart-empty" id="c6-empty">No refusals in the last 30 days.</p>');
  });

  it('draw empty and flat series without dividing by zero', () => {
    assert.doesNotMatch(barChart('c3', text, []).value, /NaN|Infinity/);
    assert.doesNotMatch(barChart('c4', text, [{ label: 'a', values: [0, 0] }]).value, /NaN|Infinity/);
    assert.doesNotMatch(percentLine('c5', text, [{ label: 'a', percent: 0 }]).value, /NaN|Infinity/);
  });
});

describe('user search: LIKE escaping', () => {
  it('makes %, _ and the escape character literal', () => {
    assert.equal(escapeLike('50%_off\\'), '50\\%\\_off\\\\');
  });
});
