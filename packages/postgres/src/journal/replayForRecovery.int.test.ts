import type { PersistentRepr } from '@engram/core/spi';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { atomic } from '../testing/events.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { PostgresJournal } from './PostgresJournal.js';

const db = await postgresForTests('recovery');

interface Recovered {
  readonly highest: number;
  readonly events: readonly PersistentRepr[];
}

async function recover(journal: PostgresJournal, pid: string, from = 1, to = Infinity, max = Infinity): Promise<Recovered> {
  const events: PersistentRepr[] = [];
  const highest = await journal.replayForRecovery(pid, from, to, max, (e) => events.push(e));
  return { highest, events };
}

async function twoCalls(journal: PostgresJournal, pid: string, from = 1, to = Infinity, max = Infinity): Promise<Recovered> {
  const highest = await journal.readHighestSequenceNr(pid, from);
  const events: PersistentRepr[] = [];
  await journal.replayMessages(pid, from, Math.min(to, highest), max, (e) => events.push(e));
  return { highest, events };
}

/** A pool of the tests' own that counts the statements its connections are given. */
function countingPool(): { readonly pool: pg.Pool; statements: () => number } {
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => {});
  let count = 0;
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      count++;
      return query(...args);
    };
  });
  return { pool, statements: () => count };
}

describe.skipIf(!db.available)('PostgresJournal.replayForRecovery', () => {
  const journal = new PostgresJournal({ connectionString: db.url, schema: db.schema });
  afterAll(() => journal.close());
  let counter = 0;
  const freshId = (): string => `Account|${++counter}`;

  it('recovers a short history with one statement, where the two calls take more', async () => {
    const { pool, statements } = countingPool();
    const counted = new PostgresJournal({ pool }, { schema: db.schema });
    try {
      const pid = freshId();
      await counted.writeMessages([atomic(pid, [1, 2, 3])]);
      // The first use of a journal also reads its event types.
      await recover(counted, freshId());
      let before = statements();
      const recovered = await recover(counted, pid);
      expect(statements() - before, 'statements of one recovery').toBe(1);
      expect(recovered.highest).toBe(3);
      expect(recovered.events.map((e) => e.sequenceNr)).toEqual([1, 2, 3]);
      before = statements();
      await recover(counted, pid, 1, 0, 0);
      expect(statements() - before, 'statements of a recovery that reads only the highest').toBe(1);
      before = statements();
      await twoCalls(counted, pid);
      expect(statements() - before, 'statements of the two calls').toBeGreaterThan(1);
    } finally {
      await counted.close();
      await pool.end();
    }
  });

  it('with small pages, a full first page goes on from its last event: the same as the two calls', async () => {
    const paged = new PostgresJournal({ connectionString: db.url, schema: db.schema, replayPageSize: 3 });
    try {
      const pid = freshId();
      await paged.writeMessages([atomic(pid, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])]);
      await paged.deleteMessagesTo(pid, 1);
      const bounds: readonly (readonly [number, number, number])[] = [
        [1, Infinity, Infinity],
        [1, Infinity, 3],
        [1, Infinity, 2],
        [1, Infinity, 4],
        [3, Infinity, 3],
        [2, 7, Infinity],
        [2, 4, Infinity],
        [5, 9, 4],
        [11, Infinity, Infinity],
      ];
      for (const [from, to, max] of bounds) {
        const what = `replayForRecovery(${from}, ${to}, ${max})`;
        const actual = await recover(paged, pid, from, to, max);
        const expected = await twoCalls(paged, pid, from, to, max);
        expect(actual.highest, what).toBe(10);
        expect(actual.events, what).toEqual(expected.events);
      }
    } finally {
      await paged.close();
    }
  });

  it('describes event types the journal has not met yet, and learns them', async () => {
    const reader = new PostgresJournal({ connectionString: db.url, schema: db.schema });
    try {
      // The reader loads the types it knows now; the writer then adds one.
      await recover(reader, freshId());
      const pid = freshId();
      await journal.writeMessages([atomic(pid, [1, 2], { manifest: `NewType-${counter}`, serializerId: 7 })]);
      const { events } = await recover(reader, pid);
      expect(events.map((e) => [e.sequenceNr, e.serializerId, e.manifest])).toEqual([
        [1, 7, `NewType-${counter}`],
        [2, 7, `NewType-${counter}`],
      ]);
    } finally {
      await reader.close();
    }
  });

  it('fails as a storage failure on a stored row it cannot read, naming the id', async () => {
    const pid = freshId();
    await journal.writeMessages([atomic(pid, [1, 2])]);
    await db.admin().query(`DELETE FROM "${db.schema}"."engram_writer_run" WHERE persistence_id = $1`, [pid]);
    const recovery = recover(journal, pid, 2);
    await expect(recovery).rejects.toMatchObject({ name: 'PostgresStoreError', operation: 'replayMessages', persistenceIds: [pid] });
    await expect(recovery).rejects.toThrow('has no writer uuid and no writer run');
  });

  it('rejects with PostgresStoreError once the journal was closed', async () => {
    const closed = new PostgresJournal({ connectionString: db.url, schema: db.schema });
    await closed.close();
    await expect(recover(closed, freshId())).rejects.toMatchObject({ name: 'PostgresStoreError' });
  });
});
