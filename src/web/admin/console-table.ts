import { html, type HtmlValue, type SafeHtml } from '../html.js';

/** Column count above which a table stacks in a wider box (`stacks-wide`: below 48rem, else `stacks-narrow`: below 30rem). */
const NARROW_COLUMNS = 5;

/** One column of a console table. */
export interface ConsoleColumn<Row> {
  /** The column's name: its header cell, and the label the stacked layout writes before each of its values. */
  label: string;
  /** Shown to screen readers only (a column of buttons whose name each button repeats). */
  hideLabel?: boolean;
  /** The column's cells are row headers (`th scope="row"`), else data cells. */
  rowHeader?: boolean;
  /** The cell's content; escaped unless SafeHtml. */
  cell: (row: Row) => HtmlValue;
  /** A class for the cell (e.g. `num`), by row. */
  cellClass?: (row: Row) => string | undefined;
}

export interface ConsoleTableSpec<Row> {
  id?: string;
  class?: string;
  /** The id of the heading that names the table (`aria-labelledby`), when it has no caption. */
  labelledBy?: string;
  caption?: string;
  columns: ReadonlyArray<ConsoleColumn<Row>>;
  rows: readonly Row[];
  /** A row's own `class` and `id` (a state to style, an anchor to link to). */
  rowAttributes?: (row: Row) => { class?: string; id?: string };
}

const attribute = (name: string, value: string | undefined) => (value === undefined ? '' : html` ${name}="${value}"`);

/**
 * Every table the console shows is built here, so it stays readable on a phone. Gives the table in its box,
 * `div.table-scroll` (focusable: a keyboard scrolls a wide table inside it), with:
 * - on every body cell `data-label`, its column's label: the stacked layout (console-pages-css.ts) writes it before
 *   the value, so the label and the header are one text;
 * - the ARIA roles table, rowgroup, row, columnheader, rowheader and cell written out, because the stacked layout
 *   changes the elements' `display`, and browsers may then stop exposing them as a table;
 * - `scope` on every header cell (`col` in the head, `row` on row headers);
 * - on the box, when the table stacks: `stacks-narrow` (up to 5 columns) when the box is narrower than 30rem,
 *   `stacks-wide` (more columns) when it is narrower than 48rem.
 */
export function consoleTable<Row>(spec: ConsoleTableSpec<Row>): SafeHtml {
  const { columns } = spec;
  const stacks = columns.length > NARROW_COLUMNS ? 'stacks-wide' : 'stacks-narrow';
  const head = columns.map((c) => html`<th scope="col" role="columnheader">${c.hideLabel ? html`<span class="visually-hidden">${c.label}</span>` : c.label}</th>`);
  const cell = (column: ConsoleColumn<Row>, row: Row) => {
    const cellClass = attribute('class', column.cellClass?.(row));
    return column.rowHeader
      ? html`<th scope="row"${cellClass} role="rowheader" data-label="${column.label}">${column.cell(row)}</th>`
      : html`<td${cellClass} role="cell" data-label="${column.label}">${column.cell(row)}</td>`;
  };
  const body = spec.rows.map((row) => {
    const own = spec.rowAttributes?.(row) ?? {};
    return html`<tr${attribute('class', own.class)}${attribute('id', own.id)} role="row">${columns.map((column) => cell(column, row))}</tr>`;
  });
  return html`<div class="table-scroll ${stacks}" tabindex="0"><table${attribute('class', spec.class)}${attribute('id', spec.id)}${attribute('aria-labelledby', spec.labelledBy)} role="table">${spec.caption === undefined ? '' : html`<caption>${spec.caption}</caption>`}<thead role="rowgroup"><tr role="row">${head}</tr></thead><tbody role="rowgroup">${body}</tbody></table></div>`;
}
