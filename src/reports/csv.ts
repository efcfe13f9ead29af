/**
 * CSV (RFC 4180) that a spreadsheet cannot turn into a formula (OWASP CSV Injection): a cell starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe; every cell is quoted, quotes doubled.
 */
export function csvCell(value: string | number | boolean): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvLine(cells: ReadonlyArray<string | number | boolean>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
