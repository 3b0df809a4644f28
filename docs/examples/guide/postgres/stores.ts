import { PostgresJournal, PostgresSnapshotStore } from '@engram/postgres';
import pg from 'pg';

/** The short way: each store makes its own pool from the URL and creates its tables on first use. */
export function storesFromUrl(connectionString: string, schema: string) {
  return {
    journal: new PostgresJournal({ connectionString, schema }),
    snapshotStore: new PostgresSnapshotStore({ connectionString, schema, poolSize: 2 }),
  };
}

/** A deploy step: creates or upgrades every Engram table of the schema, then ends its pool. */
export async function migrate(connectionString: string, schema: string): Promise<void> {
  const journal = new PostgresJournal({ connectionString, schema, poolSize: 1 });
  try {
    await journal.migrate();
  } finally {
    await journal.close();
  }
}

/** One pool of yours for every store, with the protections the stores set on their own pools. */
export function createPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    statement_timeout: 30_000,
    lock_timeout: 10_000,
    idle_in_transaction_session_timeout: 60_000,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // pg asks for this on every pool: an idle connection the server drops is reported here.
  pool.on('error', (error) => console.error('an idle PostgreSQL connection failed:', error.message));
  return pool;
}

/** The stores on that pool; they only check that migrate() was run (and never end the pool). */
export function storesOnPool(pool: pg.Pool, schema: string) {
  return {
    journal: new PostgresJournal({ pool }, { schema, autoMigrate: false }),
    snapshotStore: new PostgresSnapshotStore({ pool }, { schema, autoMigrate: false }),
  };
}
