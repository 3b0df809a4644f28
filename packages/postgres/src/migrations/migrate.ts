import type { PoolClient } from 'pg';
import type { Database } from '../database/Database.js';
import type { Tables } from '../database/Tables.js';
import { PostgresStoreError, SchemaVersionTooNew } from '../errors/index.js';
import { latestSchemaVersion, migrations } from './migrations.js';

/**
 * First key of the advisory lock that serializes migrations of one schema and prefix across
 * processes ("Engr"); the second key is a hash of the location. A hash collision only makes two
 * unrelated migrations wait for each other.
 */
const lockNamespace = 0x456e6772;

/**
 * Brings the tables at `tables` to the latest version (or to `upTo`, for tests of the upgrade
 * path), in one transaction under an advisory lock: when several processes start at once, one
 * migrates and the others wait, then find nothing to do. A database at a newer version than this
 * code knows fails with `SchemaVersionTooNew`.
 */
export async function migrate(db: Database, tables: Tables, upTo: number = latestSchemaVersion): Promise<void> {
  await db.transaction('migrate', [], async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [lockNamespace, tables.location]);
    // A migration rewrites tables and takes as long as their rows need: no statement timeout for
    // this transaction (lock_timeout still bounds its waits, including the one above).
    await client.query('SET LOCAL statement_timeout = 0');
    const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [tables.unquotedSchema]);
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when it exists.
    if (schema.rowCount === 0) await client.query(`CREATE SCHEMA ${tables.schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${tables.migrations} (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const current = await currentVersion(client, tables);
    if (current > latestSchemaVersion) throw new SchemaVersionTooNew(tables.location, current, latestSchemaVersion);
    for (const migration of migrations) {
      if (migration.version <= current || migration.version > upTo) continue;
      for (const statement of migration.statements(tables)) await client.query(statement);
      await client.query(`INSERT INTO ${tables.migrations} (version, description) VALUES ($1, $2)`, [
        migration.version,
        migration.description,
      ]);
    }
  });
}

/**
 * For stores told not to migrate: checks that someone ran `migrate()` to exactly this version.
 */
export async function checkSchemaVersion(db: Database, tables: Tables): Promise<void> {
  await db.withClient('migrate', [], async (client) => {
    const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [
      `${tables.migrations}`,
    ]);
    const current = exists.rows[0]?.present === true ? await currentVersion(client, tables) : 0;
    if (current > latestSchemaVersion) throw new SchemaVersionTooNew(tables.location, current, latestSchemaVersion);
    if (current < latestSchemaVersion) {
      throw new PostgresStoreError(
        'migrate',
        [],
        new Error(
          `the Engram tables in ${tables.location} are at schema version ${current}, this ` +
            `@engram/postgres needs version ${latestSchemaVersion}; run migrate() or enable autoMigrate`,
        ),
      );
    }
  });
}

async function currentVersion(client: PoolClient, tables: Tables): Promise<number> {
  const result = await client.query<{ version: number }>(
    `SELECT coalesce(max(version), 0) AS version FROM ${tables.migrations}`,
  );
  return result.rows[0]?.version ?? 0;
}
