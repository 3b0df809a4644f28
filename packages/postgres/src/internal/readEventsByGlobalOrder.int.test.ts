import type { PoolClient } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreContext } from '../database/index.js';
import { journalStatements } from '../journal/journalStatements.js';
import { PostgresJournal } from '../journal/PostgresJournal.js';
import { EventTypes } from '../journal/EventTypes.js';
import { insertOnClient } from '../journal/writeMessages.js';
import { atomic, event } from '../testing/events.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { readEventsByGlobalOrder, startOfJournal, type GlobalEvent, type GlobalOffset } from './index.js';

const db = await postgresForTests('global_order');

describe.skipIf(!db.available)('readEventsByGlobalOrder', () => {
  const options = { connectionString: db.url, schema: db.schema };
  const journal = new PostgresJournal(options);
  const reader = new StoreContext(options, options);
  const statements = journalStatements(reader.tables);
  afterAll(async () => {
    await journal.close();
    await reader.close();
  });

  const ids = (page: { events: readonly GlobalEvent[] }): string[] =>
    page.events.map((e) => `${e.event.persistenceId}:${e.event.sequenceNr}`);

  /**
   * Waits until every transaction that started before now has ended. The horizon is cluster-wide:
   * other test files' open transactions hold it back for a moment (they delay a reader, never
   * make it skip). Polls with queries; the test timeout bounds it.
   */
  async function settle(): Promise<void> {
    const mark = await db.admin().query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
    const xid = mark.rows[0]?.xid;
    for (;;) {
      const passed = await db
        .admin()
        .query<{ passed: boolean }>('SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 AS passed', [xid]);
      if (passed.rows[0]?.passed === true) return;
    }
  }

  /** Reads everything after `from` in pages of `limit`, as a resuming reader would. */
  async function readAll(from: GlobalOffset, tag?: string, limit = 1000): Promise<{ ids: string[]; last: GlobalOffset }> {
    const seen: string[] = [];
    let after = from;
    for (;;) {
      const page = await readEventsByGlobalOrder(reader, { after, limit, ...(tag === undefined ? {} : { tag }) });
      seen.push(...ids(page));
      after = page.events.at(-1)?.offset ?? after;
      if (page.events.length < limit) return { ids: seen, last: after };
    }
  }

  async function begin(): Promise<PoolClient> {
    const client = await db.admin().connect();
    await client.query('BEGIN');
    return client;
  }

  it('never skips an event whose transaction started first but commits last', async () => {
    // Commits the events' type, so that neither open transaction below has to create it.
    await journal.writeMessages([atomic('first', [1])]);
    await settle();
    const { last: start } = await readAll(startOfJournal);

    // Two writers append concurrently: neither waits for the other (no table-wide lock).
    const early = await begin();
    const late = await begin();
    try {
      await insertOnClient(early, statements, new EventTypes(reader.tables), [event('early', 1, { tags: ['blue'] })]);
      await insertOnClient(late, statements, new EventTypes(reader.tables), [event('late', 1, { tags: ['blue'] })]);
      await late.query('COMMIT');

      // The committed row has the higher `ordering`: a reader resuming "after the highest ordering
      // seen" would now pass it and never see the early writer's row.
      const naive = await db.admin().query(
        `SELECT persistence_id FROM "${db.schema}".engram_journal WHERE persistence_id IN ('early', 'late')`,
      );
      expect(naive.rows.map((r) => r.persistence_id)).toEqual(['late']);

      // The global-order reader holds back instead: the early transaction is still in flight.
      const whileOpen = await readAll(start);
      expect(whileOpen.ids).toEqual([]);
      expect((await readAll(start, 'blue')).ids).toEqual([]);

      await early.query('COMMIT');
    } finally {
      // Destroyed, not pooled: a failed assertion must not leave a transaction open.
      early.release(true);
      late.release(true);
    }
    const orderings = await db.admin().query<{ persistence_id: string; ordering: string }>(
      `SELECT persistence_id, ordering FROM "${db.schema}".engram_journal WHERE persistence_id IN ('early', 'late')`,
    );
    const orderingOf = (pid: string): bigint => BigInt(orderings.rows.find((r) => r.persistence_id === pid)?.ordering ?? -1);
    // The early writer's row has the lower ordering, yet committed after the late one was visible.
    expect(orderingOf('early')).toBeLessThan(orderingOf('late'));
    await settle();
    const after = await readAll(start);
    expect(after.ids).toEqual(['early:1', 'late:1']);
    expect((await readAll(start, 'blue')).ids).toEqual(['early:1', 'late:1']);
    // Resuming from the last offset is exclusive: nothing is read twice.
    expect((await readAll(after.last)).ids).toEqual([]);
  });

  it('returns the events a resuming reader has not seen, each once, in order, by tag', async () => {
    await settle();
    const { last: start } = await readAll(startOfJournal);
    for (let i = 1; i <= 25; i++) {
      await journal.writeMessages([
        atomic('paged-a', [i], { tags: i % 2 === 0 ? ['even'] : [] }),
        atomic('paged-b', [i], { tags: ['all', ...(i % 2 === 0 ? ['even'] : [])] }),
      ]);
    }
    await settle();
    const all = await readAll(start, undefined, 10);
    expect(all.ids).toEqual(Array.from({ length: 25 }, (_, i) => [`paged-a:${i + 1}`, `paged-b:${i + 1}`]).flat());
    const even = await readAll(start, 'even', 4);
    expect(even.ids).toEqual(
      Array.from({ length: 12 }, (_, i) => [`paged-a:${2 * i + 2}`, `paged-b:${2 * i + 2}`]).flat(),
    );
    expect((await readAll(start, 'all', 7)).ids).toHaveLength(25);
    const page = await readEventsByGlobalOrder(reader, { after: start, limit: 3, tag: 'even' });
    expect(page.events[0]?.event).toMatchObject({ persistenceId: 'paged-a', sequenceNr: 2, tags: ['even'] });
  });

  it('reads nothing at or above a given horizon, for queries that must not chase new events', async () => {
    await settle();
    const { last: start } = await readAll(startOfJournal);
    await journal.writeMessages([atomic('before-horizon', [1])]);
    await settle();
    const { horizon } = await readEventsByGlobalOrder(reader, { after: start, limit: 1 });
    await journal.writeMessages([atomic('after-horizon', [1])]);
    await settle();
    const page = await readEventsByGlobalOrder(reader, { after: start, limit: 100, below: horizon });
    expect(ids(page)).toEqual(['before-horizon:1']);
    expect(page.horizon).toBe(horizon);
  });

  it('does not return deleted events, nor their tags', async () => {
    await settle();
    const { last: start } = await readAll(startOfJournal);
    await journal.writeMessages([atomic('deleted', [1, 2, 3], { tags: ['gone'] })]);
    await journal.deleteMessagesTo('deleted', 2);
    await settle();
    expect((await readAll(start)).ids).toEqual(['deleted:3']);
    expect((await readAll(start, 'gone')).ids).toEqual(['deleted:3']);
    const tags = await db.admin().query(`SELECT count(*)::int AS n FROM "${db.schema}".engram_event_tag WHERE persistence_id = 'deleted'`);
    expect(tags.rows[0].n).toBe(1);
  });
});
