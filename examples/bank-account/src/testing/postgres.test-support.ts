import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the PostgreSQL tests use (as in @engram/postgres's tests); override with ENGRAM_POSTGRES_URL. */
export const postgresUrl = process.env['ENGRAM_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether PostgreSQL answers. Under `CI=true` an unreachable server throws, so the test file
 * fails; elsewhere it prints why and returns false, and the caller skips.
 */
export async function postgresAvailable(label: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  let reason: string | undefined;
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    reason = `PostgreSQL is unreachable at ${withoutPassword(postgresUrl)}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await client.end().catch(() => {});
  }
  if (reason === undefined) return true;
  if (process.env['CI'] === 'true') throw new Error(`CI=true, so PostgreSQL tests must run, but ${reason}`);
  console.warn(`[${label}] skipping PostgreSQL tests: ${reason} (set CI=true to make this fail)`);
  return false;
}

/** A schema name no other test uses. */
export function freshSchema(label: string): string {
  return `engram_test_${label}_${randomBytes(5).toString('hex')}`;
}

export function dropSchema(schema: string): Promise<void> {
  return withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => {});
}

/** Events per persistenceId in the journal table of `schema`. */
export function eventCounts(schema: string): Promise<Record<string, number>> {
  return withClient(async (client) => {
    const result = await client.query<{ persistence_id: string; n: number }>(
      `SELECT persistence_id, count(*)::int AS n FROM "${schema}".engram_journal GROUP BY persistence_id`,
    );
    return Object.fromEntries(result.rows.map((row) => [row.persistence_id, row.n]));
  });
}

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable ENGRAM_POSTGRES_URL)';
  }
}
