import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Reads one directory's rows in anchor order, `pageSize` at a time, and hands each page to `visit`, with a turn of
 * the event loop between pages. `readPage(after, limit)` must select rows whose anchor is greater than `after`,
 * ordered by anchor, at most `limit` of them: a range of the unique `(source, anchor)` index, so no page sorts or
 * reads the whole directory, and no read of a whole directory holds the loop or the heap at once.
 */
export async function forEachAnchorPage<Row extends { anchor: string | null }>(
  pageSize: number,
  readPage: (after: string, limit: number) => Promise<Row[]>,
  visit: (rows: Row[]) => void,
): Promise<void> {
  for (let after = ''; ; ) {
    const rows = await readPage(after, pageSize);
    visit(rows);
    const last = rows.at(-1)?.anchor;
    if (rows.length < pageSize || !last) return;
    after = last;
    await nextTurn();
  }
}
