import { raw, type SafeHtml } from '../html.js';

/** Column count above which a table stacks in a wider box (`stacks-wide`: below 48rem, else `stacks-narrow`: below 30rem). */
const NARROW_COLUMNS = 5;

const tableTag = /<(\/?)(table|thead|tbody|tr|th|td)(?=[\s>])([^>]*)>/g;

/** The text of a header cell's markup: tags dropped, white space collapsed (the markup is already escaped). */
const headerText = (markup: string) => markup.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().replace(/"/g, '&quot;');

/**
 * Every table the console shows goes through here, so it stays readable on a phone.
 *
 * Takes one table as the page writes it: column headers as `<th>` in one `<thead>` row, body rows of one cell per
 * column (no colspan or rowspan, no table inside a cell), all text escaped by `html`, so a `<` in it only ever opens
 * one of our own tags. Gives it back in its box, `div.table-scroll` (focusable: a keyboard scrolls a wide table inside
 * it), with:
 * - on every body cell `data-label`, the text of its column's header: the stacked layout (console-pages-css.ts)
 *   writes it before the value, so the label and the header are one text;
 * - the ARIA roles table, rowgroup, row, columnheader, rowheader and cell written out, because the stacked layout
 *   changes the elements' `display`, and browsers may then stop exposing them as a table;
 * - `scope="col"` on column headers that lack a scope;
 * - on the box, when the table stacks: `stacks-narrow` (up to 5 columns) when the box is narrower than 30rem,
 *   `stacks-wide` (more columns) when it is narrower than 48rem.
 * Throws when a body row has more cells than the head has columns.
 */
export function consoleTable(table: SafeHtml): SafeHtml {
  const source = table.value;
  const labels: string[] = [];
  let section: 'head' | 'body' | null = null;
  let headerStart = 0;
  let column = 0;
  let out = '';
  let copied = 0;
  for (const match of source.matchAll(tableTag)) {
    const [whole, closing, name, attributes = ''] = match;
    out += source.slice(copied, match.index);
    copied = match.index + whole.length;
    if (closing) {
      if (name === 'th' && section === 'head') labels.push(headerText(source.slice(headerStart, match.index)));
      if (name === 'thead' || name === 'tbody') section = null;
      out += whole;
    } else if (name === 'table') {
      out += `<table${attributes} role="table">`;
    } else if (name === 'thead' || name === 'tbody') {
      section = name === 'thead' ? 'head' : 'body';
      out += `<${name}${attributes} role="rowgroup">`;
    } else if (name === 'tr') {
      column = 0;
      out += `<tr${attributes} role="row">`;
    } else if (section === 'head') {
      headerStart = copied;
      out += `<th${/\bscope=/.test(attributes) ? attributes : `${attributes} scope="col"`} role="columnheader">`;
    } else {
      const label = labels[column++];
      if (label === undefined) throw new Error(`consoleTable: a row has more cells than the ${labels.length} columns of its head`);
      out += `<${name}${attributes} role="${name === 'th' ? 'rowheader' : 'cell'}" data-label="${label}">`;
    }
  }
  out += source.slice(copied);
  const stacks = labels.length > NARROW_COLUMNS ? 'stacks-wide' : 'stacks-narrow';
  return raw(`<div class="table-scroll ${stacks}" tabindex="0">${out}</div>`);
}
