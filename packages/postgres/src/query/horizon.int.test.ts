import { afterAll, describe, expect, it } from 'vitest';
import { tablesFor } from '../database/index.js';
import { PostgresJournal } from '../journal/PostgresJournal.js';
import { atomic, event } from '../testing/events.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { holdWrite } from './heldWrite.test-support.js';
import { LiveQuery, key } from './LiveQuery.test-support.js';
import { PostgresReadJournal } from './PostgresReadJournal.js';
import { startPosition, type PostgresPosition } from './PostgresPosition.js';
import { withDeadline } from './waitFor.test-support.js';

const db = await postgresForTests('horizon');

describe.skipIf(!db.available)('the read horizon', () => {
  const options = { connectionString: db.url, schema: db.schema };
  const tables = tablesFor(db.schema);
  const journal = new PostgresJournal(options);
  // Polls often: a rolled-back write sends no NOTIFY, only the horizon moving on says it is gone.
  const readJournal = new PostgresReadJournal({ ...options, pollIntervalMs: 20 });
  const reader = journal.reader;
  afterAll(async () => {
    await readJournal.close();
    await journal.close();
  });
  let counter = 0;
  const fresh = (label: string): string => `${label}|${++counter}`;

  /** Everything `readEvents` returns after `after` now, page by page. */
  async function readNow(after: PostgresPosition = startPosition, upTo?: PostgresPosition): Promise<{ keys: string[]; complete: boolean }> {
    const keys: string[] = [];
    let from = after;
    for (;;) {
      const page = await reader.readEvents({ after: from, limit: 3, ...(upTo === undefined ? {} : { upTo }) });
      keys.push(...page.events.map((e) => `${e.repr.persistenceId}:${e.repr.sequenceNr}`));
      from = page.events.at(-1)?.position ?? from;
      if (page.events.length < 3) return { keys, complete: page.complete };
    }
  }

  /** The position after everything readable now. */
  async function end(): Promise<PostgresPosition> {
    let from = startPosition;
    for (;;) {
      const page = await reader.readEvents({ after: from, limit: 1000 });
      from = page.events.at(-1)?.position ?? from;
      if (page.events.length < 1000) return from;
    }
  }

  it('stops before a journal transaction in flight, then returns everything in order once it commits', async () => {
    await journal.migrate();
    const [before, held, after] = [fresh('before'), fresh('held'), fresh('after')];
    await journal.writeMessages([atomic(before, [1])]);
    const start = await end();
    const live = LiveQuery.allEvents(readJournal);
    const write = await holdWrite(db.admin(), tables, [event(held, 1), event(held, 2)]);
    try {
      await journal.writeMessages([atomic(after, [1, 2])]);
      // The later write committed, and is not returned: its events come after the held ones.
      expect(await readNow(start)).toEqual({ keys: [], complete: false });
      await live.delivered([`${before}:1`]);
      await write.commit();
    } finally {
      await write.rollback().catch(() => {});
    }
    expect((await readNow(start)).keys).toEqual([`${held}:1`, `${held}:2`, `${after}:1`, `${after}:2`]);
    await live.delivered([`${after}:2`]);
    expect(live.keys.slice(live.keys.indexOf(`${before}:1`))).toEqual([
      `${before}:1`,
      `${held}:1`,
      `${held}:2`,
      `${after}:1`,
      `${after}:2`,
    ]);
    await live.stop();
  });

  it('leaves no hole behind a rolled-back write: readers go on past it', async () => {
    await journal.migrate();
    const [doomed, after] = [fresh('doomed'), fresh('after')];
    const start = await end();
    const live = LiveQuery.allEvents(readJournal);
    const write = await holdWrite(db.admin(), tables, [event(doomed, 1)]);
    await journal.writeMessages([atomic(after, [1])]);
    expect((await readNow(start)).keys).toEqual([]);
    await write.rollback();
    expect((await readNow(start)).keys).toEqual([`${after}:1`]);
    // Woken by the poll: a rollback notifies nobody.
    await live.delivered([`${after}:1`]);
    expect(live.keys.filter((k) => k.startsWith(doomed))).toEqual([]);
    await live.stop();
  });

  it('is not held back by a long transaction elsewhere that writes no journal, nor by a session idle in a transaction', async () => {
    await journal.migrate();
    const admin = db.admin();
    const importer = await admin.connect();
    const idle = await admin.connect();
    try {
      // A bulk import into another table, left open: it has a transaction id the whole time.
      await importer.query('BEGIN');
      await importer.query(`CREATE TABLE "${db.schema}".bulk_import (n integer)`);
      await importer.query(`INSERT INTO "${db.schema}".bulk_import SELECT generate_series(1, 1000)`);
      const { rows } = await importer.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      // A session left idle in a transaction, holding a snapshot.
      await idle.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await idle.query('SELECT count(*) FROM pg_class');
      // Both hold the snapshot horizon back: a reader bounded by pg_snapshot_xmin would stall.
      const xmin = await admin.query<{ held: boolean }>('SELECT pg_snapshot_xmin(pg_current_snapshot()) <= $1::xid8 AS held', [rows[0]?.xid]);
      expect(xmin.rows[0]?.held).toBe(true);

      const live = LiveQuery.allEvents(readJournal, readJournal.parseOffset(`postgres:${reader.formatPosition(await end())}`));
      const [first, second] = [fresh('meanwhile'), fresh('meanwhile')];
      await journal.writeMessages([atomic(first, [1])]);
      await live.delivered([`${first}:1`]);
      await journal.writeMessages([atomic(second, [1, 2])]);
      await live.delivered([`${second}:2`]);
      expect(live.keys).toEqual([`${first}:1`, `${second}:1`, `${second}:2`]);
      const current = [];
      for await (const envelope of readJournal.currentAllEvents()) current.push(key(envelope));
      expect(current.slice(-3)).toEqual([`${first}:1`, `${second}:1`, `${second}:2`]);
      await live.stop();
    } finally {
      await importer.query('ROLLBACK');
      await idle.query('ROLLBACK');
      importer.release();
      idle.release();
    }
  });

  it('a current query includes every event committed before it started, and waits for a write in flight then', async () => {
    await journal.migrate();
    const [early, inFlight, committed, later] = [fresh('early'), fresh('in-flight'), fresh('committed'), fresh('later')];
    await journal.writeMessages([atomic(early, [1, 2])]);
    const start = await end();
    const write = await holdWrite(db.admin(), tables, [event(inFlight, 1)]);
    let current: Promise<string[]> | undefined;
    try {
      // Committed after the held write got its id: the ceiling is above that id.
      await journal.writeMessages([atomic(committed, [1])]);
      const ceiling = await reader.readCeiling();
      expect(ceiling.txId).toBeGreaterThan(write.txId);
      await journal.writeMessages([atomic(later, [1])]);
      // Not complete while the write in flight may still commit below the ceiling.
      expect(await readNow(start, ceiling)).toEqual({ keys: [], complete: false });
      current = (async () => {
        const keys: string[] = [];
        for await (const envelope of readJournal.currentAllEvents()) keys.push(key(envelope));
        return keys;
      })();
      await write.commit();
      // Up to the ceiling taken before `later` was written.
      expect(await readNow(start, ceiling)).toEqual({ keys: [`${inFlight}:1`, `${committed}:1`], complete: true });
    } finally {
      await write.rollback().catch(() => {});
    }
    const keys = await withDeadline('the current query to complete', 10_000, current ?? Promise.resolve([]));
    expect(keys.slice(keys.indexOf(`${early}:1`))).toEqual([`${early}:1`, `${early}:2`, `${inFlight}:1`, `${committed}:1`, `${later}:1`]);
  });

  it('readHorizon is below the oldest journal transaction in flight, and readCeiling above every ended one', async () => {
    await journal.migrate();
    const write = await holdWrite(db.admin(), tables, [event(fresh('horizon'), 1)]);
    try {
      expect(await reader.readHorizon()).toEqual({ txId: write.txId, ordering: 0n });
      await journal.writeMessages([atomic(fresh('after-horizon'), [1])]);
      expect(await reader.readHorizon()).toEqual({ txId: write.txId, ordering: 0n });
      expect((await reader.readCeiling()).txId).toBeGreaterThan(write.txId);
    } finally {
      await write.rollback();
    }
    expect((await reader.readHorizon()).txId).toBeGreaterThan(write.txId);
  });
});
