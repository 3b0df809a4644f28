import type { AtomicWrite } from '@engram/core/spi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tablesFor } from '../database/index.js';
import { PostgresStoreError } from '../errors/index.js';
import { atomic, event } from '../testing/events.test-support.js';
import { freePort, lockedBackend, taggedPool, terminateBusy } from '../testing/faults.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { journalStatements } from './journalStatements.js';
import { PostgresJournal } from './PostgresJournal.js';
import { EventTypes } from './EventTypes.js';
import { insertOnClient, prepareEvents } from './writeMessages.js';

const db = await postgresForTests('faults');

describe.skipIf(!db.available)('PostgresJournal under faults', () => {
  const tables = tablesFor(db.schema);
  const statements = journalStatements(tables);
  const checker = new PostgresJournal({ connectionString: db.url, schema: db.schema });
  // Commits the events' type first, so that a held write blocks others on its stream row only.
  beforeAll(() => checker.writeMessages([atomic('types', [1])]));
  afterAll(() => checker.close());
  let counter = 0;
  const fresh = (label: string): string => `${label}|${++counter}`;

  /**
   * Writes (pid, 1) in an open transaction, so a write of pid waits on its stream row, runs
   * `during`, then rolls back.
   */
  async function whileHeld<T>(pid: string, during: () => Promise<T>): Promise<T> {
    const blocker = await db.admin().connect();
    try {
      const prepared = await prepareEvents(blocker, new EventTypes(tables), [event(pid, 1, { writerUuid: 'blocker' })]);
      await blocker.query('BEGIN');
      await insertOnClient(blocker, statements, prepared);
      return await during();
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
  }

  async function highest(pid: string): Promise<number> {
    return checker.readHighestSequenceNr(pid, 0);
  }

  it.each([
    ['one-event writes (single statement)', [1]],
    ['multi-event writes (transaction)', [1, 2]],
  ] as const)('a connection killed mid-write rejects the call and stores nothing of it: %s', async (_, seqs) => {
    const { pool, applicationName } = taggedPool(db.url, 'kill');
    const journal = new PostgresJournal({ pool }, { schema: db.schema });
    try {
      await journal.migrate();
      const [before, held, after] = [fresh('before'), fresh('held'), fresh('after')];
      const failure = await whileHeld(held, async () => {
        const outcome = journal.writeMessages([atomic(before, seqs), atomic(held, seqs), atomic(after, seqs)]).then(
          () => undefined,
          (error: unknown) => error,
        );
        const backend = await lockedBackend(db.admin(), applicationName);
        await db.admin().query('SELECT pg_terminate_backend($1)', [backend]);
        return outcome;
      });
      expect(failure).toBeInstanceOf(PostgresStoreError);
      expect(failure).toMatchObject({ operation: 'writeMessages', persistenceIds: [before, held, after] });
      expect((failure as Error).message).toContain(`for persistenceIds "${before}", "${held}", "${after}"`);
      expect((failure as Error).cause).toBeInstanceOf(Error);
      for (const pid of [before, held, after]) expect(await highest(pid)).toBe(0);
      // The pool replaced the dead connection: the same journal writes again.
      expect(await journal.writeMessages([atomic(before, seqs), atomic(held, seqs)])).toEqual([undefined, undefined]);
    } finally {
      await journal.close();
      await pool.end();
    }
  });

  it('connections killed at random during a stream of writes: every acknowledged write is stored once, none partly', async () => {
    const { pool, applicationName } = taggedPool(db.url, 'stream', 4);
    const journal = new PostgresJournal({ pool }, { schema: db.schema });
    await journal.migrate();
    const calls = 150;
    const outcomes: { writes: AtomicWrite[]; results: readonly (Error | undefined)[] | undefined }[] = [];
    let killed = 0;
    for (let call = 0; call < calls; call++) {
      const writes = Array.from({ length: 20 }, (_, i) => atomic(`stream|${call}|${i}`, [1, 2, 3], { tags: ['s'] }));
      // Mix the single-statement path in: every third call is one-event writes.
      const shaped = call % 3 === 0 ? writes.map((w) => ({ ...w, events: w.events.slice(0, 1) })) : writes;
      let settled = false;
      const outcome = journal.writeMessages(shaped).then(
        (results) => ({ writes: shaped, results }),
        (error: unknown) => {
          expect(error).toBeInstanceOf(PostgresStoreError);
          return { writes: shaped, results: undefined };
        },
      );
      void outcome.then(() => (settled = true));
      // Every other call is hunted: its connection is killed whenever it is seen busy, at whatever
      // point of the write that is. The calls between run untouched, so both outcomes occur.
      if (call % 2 === 0) while (!settled) killed += await terminateBusy(db.admin(), applicationName);
      outcomes.push(await outcome);
    }
    await journal.close();
    await pool.end();

    const stored = await db.admin().query<{ persistence_id: string; seqs: number[]; n: number }>(
      `SELECT persistence_id, array_agg(sequence_nr::int ORDER BY sequence_nr) AS seqs, count(*)::int AS n
       FROM "${db.schema}".engram_journal WHERE persistence_id LIKE 'stream|%' GROUP BY persistence_id`,
    );
    const byId = new Map(stored.rows.map((r) => [r.persistence_id, r.seqs]));
    let acknowledged = 0;
    let failedCalls = 0;
    for (const { writes, results } of outcomes) {
      if (results === undefined) failedCalls++;
      writes.forEach((write, i) => {
        const expected = write.events.map((e) => e.sequenceNr);
        const seqs = byId.get(write.persistenceId) ?? [];
        if (results !== undefined) {
          expect(results[i]).toBeUndefined();
          acknowledged++;
          expect(seqs, `acknowledged ${write.persistenceId}`).toEqual(expected);
        } else {
          // Unknown outcome (the commit may have landed before the kill): all or nothing.
          expect([[], expected], `unacknowledged ${write.persistenceId}`).toContainEqual(seqs);
        }
      });
    }
    expect(outcomes).toHaveLength(calls);
    console.info(`killed ${killed} connections; ${failedCalls} of ${calls} calls failed; ${acknowledged} writes acknowledged`);
    expect(failedCalls).toBeGreaterThan(0);
    expect(acknowledged).toBeGreaterThan(0);
  });

  it('a statement timeout rejects the call naming its ids, and the journal goes on', async () => {
    const journal = new PostgresJournal({ connectionString: db.url, schema: db.schema, statementTimeoutMs: 200 });
    try {
      await journal.migrate();
      const [other, held] = [fresh('other'), fresh('held')];
      const failure = await whileHeld(held, () =>
        journal.writeMessages([atomic(other, [1]), atomic(held, [1])]).then(
          () => undefined,
          (error: unknown) => error,
        ),
      );
      expect(failure).toMatchObject({ name: 'PostgresStoreError', code: '57014', operation: 'writeMessages' });
      expect((failure as Error).message).toMatch(/statement timeout/);
      expect((failure as Error).message).toContain(`"${other}", "${held}"`);
      expect(await highest(other)).toBe(0);
      expect(await journal.writeMessages([atomic(other, [1]), atomic(held, [1])])).toEqual([undefined, undefined]);
    } finally {
      await journal.close();
    }
  });

  it('an unreachable server fails each call with the host, port and database, and no write is lost', async () => {
    const port = await freePort();
    const journal = new PostgresJournal({ connectionString: `postgres://engram@127.0.0.1:${port}/orders` });
    try {
      const write = journal.writeMessages([atomic('Order|1', [1])]);
      await expect(write).rejects.toBeInstanceOf(PostgresStoreError);
      await expect(write).rejects.toMatchObject({ operation: 'writeMessages', persistenceIds: ['Order|1'] });
      await expect(write).rejects.toThrow(`cannot connect to PostgreSQL at 127.0.0.1:${port}, database "orders", user "engram"`);
      await expect(write).rejects.toThrow(/ECONNREFUSED/);
      await expect(journal.migrate()).rejects.toThrow(`127.0.0.1:${port}, database "orders"`);
      await expect(journal.replayMessages('Order|1', 1, Infinity, Infinity, () => {})).rejects.toMatchObject({
        operation: 'replayMessages',
      });
    } finally {
      await journal.close();
    }
  });

  it('a database that does not exist is named in the error', async () => {
    const url = new URL(db.url);
    url.pathname = '/engram_no_such_database';
    const journal = new PostgresJournal({ connectionString: url.toString() });
    try {
      const read = journal.readHighestSequenceNr('a', 0);
      await expect(read).rejects.toThrow(/database "engram_no_such_database"/);
      await expect(read).rejects.toMatchObject({ name: 'PostgresStoreError', operation: 'readHighestSequenceNr' });
    } finally {
      await journal.close();
    }
  });
});
