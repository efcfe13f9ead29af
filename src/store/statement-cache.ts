import type BetterSqlite3 from 'better-sqlite3';

const STATEMENT_CACHE_SIZE = 500;

/**
 * Under Node 24, a better-sqlite3 object destroyed by the garbage collector aborts the process (its destructor
 * asks for the JavaScript environment, which a collection outside JavaScript does not have); Node's exit clean-up
 * destroys them safely. So there, no statement may become garbage: pragmas go through `exec`, the cache never
 * evicts (its texts are Kysely's, with placeholders: a bounded set), and a closed database stays reachable with its
 * statements until the process exits. Earlier Node versions collect them normally.
 */
export const statementsMayBeCollected = Number(process.versions.node.split('.')[0]) < 24;

/**
 * Prepared statements by SQL text, most recently used kept (Kysely's SQLite driver prepares every query anew;
 * preparing was a fifth of the CPU time of a sync). better-sqlite3 statements are synchronous, so reusing one
 * across requests is safe; beyond the limit the least recently used is dropped, except under Node 24 (above).
 */
export function statementCache(sqlite: BetterSqlite3.Database): { prepare(source: string): BetterSqlite3.Statement; statements: Map<string, BetterSqlite3.Statement> } {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (source: string): BetterSqlite3.Statement => {
    let statement = statements.get(source);
    if (statement) {
      statements.delete(source);
    } else {
      statement = sqlite.prepare(source);
      if (statementsMayBeCollected && statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
    }
    statements.set(source, statement);
    return statement;
  };
  return { prepare, statements };
}
