import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** The server the suite uses; SSPR_TEST_PG_URL overrides the machine's default. */
export const adminUrl = process.env.SSPR_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh, empty database for one test file on the suite's PostgreSQL. Fails loudly (never skips) when the
 * server is unreachable, naming the URL and how to point the suite elsewhere.
 */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `sspr_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is required by this test but ${adminUrl} is unreachable (${(error as Error).message}). ` +
        'Start it, or set SSPR_TEST_PG_URL to a server where this user may create databases.',
      { cause: error },
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
