/**
 * The TCK's gap-torture writer for PostgreSQL (`readJournalTck({ tortureWriter })`): writes that
 * sit in an open transaction, then commit or roll back, while other writers commit around them.
 *
 * Each write runs on a connection of its own (a pool of the writer's, with the journal's
 * settings): its event types are stored first, on their own as `writeMessages` does; then BEGIN,
 * the journal's own insert statement (so the journal's write lock is taken before the transaction
 * has an id, and the rows get their `tx_id` and `ordering` exactly as a journal write's), a wait of
 * `holdMs` on a timer, and COMMIT (followed by the journal's NOTIFY) or ROLLBACK.
 */
import { SequenceConflict, type AtomicWrite } from '@engram/core/spi';
import pg from 'pg';
import { defaultMaxPayloadBytes } from '../journal/index.js';
import { EventTypes } from '../journal/EventTypes.js';
import { journalStatements } from '../journal/journalStatements.js';
import { storeContextOf, type PostgresJournal } from '../journal/PostgresJournal.js';
import { validateWrite } from '../journal/validateWrite.js';
import { insertOnClient, prepareEvents } from '../journal/writeMessages.js';

/** The TCK's contract (`TortureWriter` of `@engram/tck`), structurally. */
export interface TortureWriter {
  write(writes: readonly AtomicWrite[], options: { readonly holdMs: number; readonly rollback: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** Writes held open at once; each holds a connection. */
const maxConnections = 16;

export async function tortureWriter(journal: PostgresJournal): Promise<TortureWriter> {
  const context = journal[storeContextOf];
  await context.ensureReady('writeMessages', []);
  const { tables } = context;
  const statements = journalStatements(tables);
  const types = new EventTypes(tables);
  const pool = new pg.Pool({ ...context.db.pool.options, max: maxConnections });
  pool.on('error', () => {});
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const writeOnce = async (writes: readonly AtomicWrite[], holdMs: number, rollback: boolean): Promise<void> => {
    for (const write of writes) {
      const rejection = validateWrite(write, defaultMaxPayloadBytes);
      if (rejection !== undefined) throw rejection;
    }
    const events = writes.flatMap((write) => write.events);
    if (events.length === 0) return;
    const client = await pool.connect();
    let broken = false;
    try {
      const prepared = await prepareEvents(client, types, events);
      await client.query('BEGIN');
      try {
        const [refused] = await insertOnClient(client, statements, prepared);
        if (refused !== undefined) {
          const first = events.find((event) => event.persistenceId === refused)?.sequenceNr ?? 0;
          throw new SequenceConflict(refused, first);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, holdMs)));
        await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      }
      if (!rollback) await client.query('SELECT pg_notify($1, $2)', [tables.journalChannel, '']);
    } catch (error) {
      broken = true;
      throw error;
    } finally {
      client.release(broken);
    }
  };

  return {
    write(writes, { holdMs, rollback }) {
      if (closed) return Promise.reject(new Error('the torture writer is closed'));
      const done = writeOnce(writes, holdMs, rollback);
      const tracked = done.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(tracked);
      void tracked.then(() => inFlight.delete(tracked));
      return done;
    },
    async close() {
      closed = true;
      await Promise.all(inFlight);
      await pool.end();
    },
  };
}
