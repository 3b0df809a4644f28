import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';

/** The server the tests use; override with ENGRAM_POSTGRES_URL. */
export const postgresUrl = process.env['ENGRAM_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PostgresForTests {
  /** False when PostgreSQL is unreachable outside CI: the file's tests skip. */
  readonly available: boolean;
  readonly url: string;
  /** A fresh schema name for this test file, dropped after its tests. */
  readonly schema: string;
  /** Another fresh schema name, also dropped afterwards. */
  readonly newSchema: (label: string) => string;
  /** An admin pool for assertions and fault injection; ended after the file's tests. */
  readonly admin: () => pg.Pool;
}

/**
 * Call once at the top of a test file (top-level await). Under `CI=true` an unreachable server
 * throws, so the file fails; elsewhere it prints why and the caller skips with
 * `describe.skipIf(!db.available)`.
 */
export async function postgresForTests(label: string): Promise<PostgresForTests> {
  const reason = await unreachableReason();
  if (reason !== undefined) {
    if (process.env['CI'] === 'true') {
      throw new Error(`CI=true, so PostgreSQL tests must run, but ${reason}`);
    }
    console.warn(`[${label}] skipping PostgreSQL tests: ${reason} (set CI=true to make this fail)`);
  }
  const schemas: string[] = [];
  const newSchema = (name: string): string => {
    const schema = `engram_test_${name}_${randomBytes(5).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    schemas.push(schema);
    return schema;
  };
  let adminPool: pg.Pool | undefined;
  const admin = (): pg.Pool => {
    if (adminPool === undefined) {
      adminPool = new pg.Pool({ connectionString: postgresUrl, max: 4 });
      adminPool.on('error', () => {});
    }
    return adminPool;
  };
  afterAll(async () => {
    if (reason !== undefined) return;
    const pool = admin();
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  return { available: reason === undefined, url: postgresUrl, schema: newSchema(label), newSchema, admin };
}

async function unreachableReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL is unreachable at ${withoutPassword(postgresUrl)}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL for messages: a password never reaches a CI log. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable ENGRAM_POSTGRES_URL)';
  }
}
