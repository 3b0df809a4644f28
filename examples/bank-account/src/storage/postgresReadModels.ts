import { PostgresOffsetStore } from '@engram/postgres';
import pg from 'pg';
import { PostgresAuditTrail } from '../audit/index.js';
import { PostgresAccountSummary } from '../summary/index.js';
import type { ReadModels } from './ReadModels.js';

/**
 * The read models in the journal's PostgreSQL schema, on one pool of their own: the offset store
 * runs the projections' transactions on it, the HTTP routes read from it. Tables are created when
 * missing, under an advisory lock so that two instances starting together do not race.
 */
export async function postgresReadModels(connectionString: string, schema: string): Promise<ReadModels<pg.PoolClient>> {
  const pool = new pg.Pool({
    connectionString,
    max: 5,
    connectionTimeoutMillis: 10_000,
    statement_timeout: 30_000,
    lock_timeout: 10_000,
    idle_in_transaction_session_timeout: 60_000,
    keepAlive: true,
  });
  // pg asks for a listener: an idle connection the server dropped is reported here, and the
  // pool replaces it on the next query.
  pool.on('error', () => {});
  try {
    const summary = new PostgresAccountSummary(pool, schema);
    const audit = new PostgresAuditTrail(pool, schema);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`bank-read-models:${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await summary.migrate(client);
      await audit.migrate(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    const offsetStore = new PostgresOffsetStore({ pool, schema });
    return {
      offsetStore,
      summary,
      audit,
      close: async () => {
        await offsetStore.close?.();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}
