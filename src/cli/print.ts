/** Prints rows as JSON (for scripts) or as an aligned text table (for people). */
export function printRows(rows: Array<Record<string, unknown>>, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const columns = Object.keys(rows[0] as object);
  const cell = (value: unknown) => (Array.isArray(value) ? value.join(',') : value === null || value === undefined ? '-' : String(value));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] as number)).join('  ').trimEnd() + '\n';
  process.stdout.write(line(columns));
  for (const row of rows) process.stdout.write(line(columns.map((c) => cell(row[c]))));
}
