import pg from 'pg';

/** The server the guide's tests use (as in @engram/postgres's tests); ENGRAM_POSTGRES_URL overrides it. */
export const postgresUrl = process.env['ENGRAM_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Why PostgreSQL cannot be used, or undefined when it answers. Under `CI=true` an unreachable
 * server throws, so the test file fails; elsewhere the reason is printed and the caller skips.
 */
export async function postgresUnreachable(label: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  let reason: string | undefined;
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    reason = `PostgreSQL is unreachable at ${new URL(postgresUrl).host}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await client.end().catch(() => {});
  }
  if (reason === undefined) return undefined;
  if (process.env['CI'] === 'true') throw new Error(`CI=true, so PostgreSQL tests must run, but ${reason}`);
  console.warn(`[${label}] skipping PostgreSQL tests: ${reason} (set CI=true to make this fail)`);
  return reason;
}
