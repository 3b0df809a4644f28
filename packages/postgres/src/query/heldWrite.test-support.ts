import type { PersistentRepr } from '@engram/core/spi';
import type pg from 'pg';
import type { Tables } from '../database/index.js';
import { EventTypes } from '../journal/EventTypes.js';
import { journalStatements } from '../journal/journalStatements.js';
import { insertOnClient, prepareEvents } from '../journal/writeMessages.js';

/** A journal write sitting in an open transaction, until the test ends it. */
export interface HeldWrite {
  /** The transaction's id: its events' `tx_id`. */
  readonly txId: bigint;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * Writes `events` with the journal's own statement in a transaction left open, on a connection
 * of `pool` (destroyed afterwards, so a failed test leaves no transaction behind).
 */
export async function holdWrite(pool: pg.Pool, tables: Tables, events: readonly PersistentRepr[]): Promise<HeldWrite> {
  const client = await pool.connect();
  try {
    const prepared = await prepareEvents(client, new EventTypes(tables), events);
    await client.query('BEGIN');
    const refused = await insertOnClient(client, journalStatements(tables), prepared);
    if (refused.length > 0) throw new Error(`the held write was refused for ${refused.join(', ')}`);
    const { rows } = await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
    const end = async (statement: 'COMMIT' | 'ROLLBACK'): Promise<void> => {
      try {
        await client.query(statement);
      } finally {
        client.release(true);
      }
    };
    return { txId: BigInt(rows[0]?.xid ?? '0'), commit: () => end('COMMIT'), rollback: () => end('ROLLBACK') };
  } catch (error) {
    client.release(true);
    throw error;
  }
}
