import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Offset, QueryUnavailable, type EventEnvelope } from '@engram/core';
import { ManualScheduler } from '@engram/core/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../database/index.js';
import { SqliteJournal } from '../journal/index.js';
import { atomic, tempDatabase } from '../testing/fixtures.test-support.js';
import { hasSettled, within } from './deadline.test-support.js';
import { SqliteReadJournal, type SqliteReadJournalOptions } from './SqliteReadJournal.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function fresh() {
  const db = tempDatabase();
  cleanups.push(db.remove);
  return db.path;
}

function journalOn(path: string): SqliteJournal {
  const journal = new SqliteJournal({ path });
  cleanups.push(() => journal.close());
  return journal;
}

/** The fixtures' payload, as JSON. */
type Noted = { readonly persistenceId: string; readonly sequenceNr: number };

function readJournalOn(path: string, options: Omit<SqliteReadJournalOptions<Noted>, 'path'> = {}): SqliteReadJournal<Noted> {
  const readJournal = new SqliteReadJournal<Noted>({ path, ...options });
  cleanups.push(() => readJournal.close());
  return readJournal;
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Opens and closes a journal: the WAL file is removed only if no other connection is left. */
async function expectNoConnectionLeft(path: string): Promise<void> {
  const journal = new SqliteJournal({ path });
  await journal.writeMessages([atomic('Probe', 1)]);
  await journal.close();
  expect(existsSync(`${path}-wal`), 'a connection is still open').toBe(false);
}

const seen = (envelopes: readonly EventEnvelope<unknown>[]) => envelopes.map((e) => [e.persistenceId, e.sequenceNr]);

describe('SqliteReadJournal', () => {
  it('reads, on its own connection, what a journal on another connection stored, as envelopes with sqlite offsets', async () => {
    const path = fresh();
    const journal = journalOn(path);
    await journal.writeMessages([atomic('A', 1, 2, { tags: ['t'] }), atomic('B', 1)]);
    const readJournal = readJournalOn(path);
    expect(readJournal.offsetKind).toBe('sqlite');

    const events = await all(readJournal.currentAllEvents());
    expect(seen(events)).toEqual([['A', 1], ['A', 2], ['B', 1]]);
    expect(events[0]!.event).toEqual({ persistenceId: 'A', sequenceNr: 1 });
    expect(events[0]!.tags).toEqual(['t']);
    expect(String(events[2]!.offset)).toMatch(/^sqlite:\d+$/);

    const resumed = await all(readJournal.currentAllEvents(readJournal.parseOffset(String(events[0]!.offset))));
    expect(seen(resumed)).toEqual([['A', 2], ['B', 1]]);
    expect(seen(await all(readJournal.currentEventsByTag('t', events[0]!.offset)))).toEqual([['A', 2]]);
    expect(seen(await all(readJournal.currentEventsByPersistenceId('A', 2)))).toEqual([['A', 2]]);
    expect(await all(readJournal.currentPersistenceIds())).toEqual(['A', 'B']);
    expect(() => readJournal.parseOffset('memory:1')).toThrow(/offset of a memory journal/);
  });

  it('a live query sleeping on an idle file is woken by the poll when another connection commits', async () => {
    const path = fresh();
    const journal = journalOn(path);
    await journal.writeMessages([atomic('L', 1, 1, { tags: ['live'] })]);
    const scheduler = new ManualScheduler();
    const readJournal = readJournalOn(path, { scheduler });
    const live = readJournal.eventsByTag('live')[Symbol.asyncIterator]();
    expect((await live.next()).value).toMatchObject({ persistenceId: 'L', sequenceNr: 1 });

    const next = live.next();
    expect(await hasSettled(next)).toBe(false);
    await journal.writeMessages([atomic('L', 2, 2, { tags: ['live'] }), atomic('M', 1)]);
    // The other connection's commit is found by the next check, 50 ms (the SQLite default) later.
    await scheduler.advance(49);
    expect(await hasSettled(next)).toBe(false);
    await scheduler.advance(1);
    expect((await within(5000, 'the woken live query returning the event', next)).value).toMatchObject({
      persistenceId: 'L',
      sequenceNr: 2,
    });
    await live.return?.();
  });

  it('checks every pollIntervalMs when that option is given', async () => {
    const path = fresh();
    const journal = journalOn(path);
    const scheduler = new ManualScheduler();
    const readJournal = readJournalOn(path, { scheduler, pollIntervalMs: 1000 });
    const live = readJournal.allEvents()[Symbol.asyncIterator]();
    const next = live.next();
    await journal.writeMessages([atomic('P', 1)]);
    await scheduler.advance(999);
    expect(await hasSettled(next)).toBe(false);
    await scheduler.advance(1);
    expect((await within(5000, 'the live query woken after 1000 ms', next)).value).toMatchObject({ persistenceId: 'P' });
    await live.return?.();
  });

  it('creates a missing file with the journal schema, so it can start before the first writer', async () => {
    const path = fresh();
    const readJournal = readJournalOn(path);
    expect(await all(readJournal.currentAllEvents())).toEqual([]);
    const journal = journalOn(path);
    await journal.writeMessages([atomic('Later', 1)]);
    expect(seen(await all(readJournal.currentAllEvents()))).toEqual([['Later', 1]]);
  });

  it('refuses a file written by a newer @engram/sqlite, naming the path and both versions', () => {
    const path = fresh();
    const newer = new Database(path);
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    expect(() => new SqliteReadJournal({ path })).toThrow(
      expect.objectContaining({
        name: 'SqliteStoreError',
        message: expect.stringMatching(new RegExp(`${path}.*schema version ${SCHEMA_VERSION + 1}.*up to ${SCHEMA_VERSION}`)),
      }),
    );
  });

  it('refuses a bad option without leaving the file open', async () => {
    const path = fresh();
    expect(() => new SqliteReadJournal({ path, pageSize: 0 })).toThrow(/pageSize/);
    await expectNoConnectionLeft(path);
  });

  it('close() completes the live queries and closes the connection: later queries are refused', async () => {
    const path = fresh();
    const journal = new SqliteJournal({ path });
    await journal.writeMessages([atomic('C', 1)]);
    const scheduler = new ManualScheduler();
    const readJournal = new SqliteReadJournal({ path, scheduler });
    const live = all(readJournal.allEvents());
    await scheduler.advance(0);
    expect(await hasSettled(live)).toBe(false);
    await readJournal.close();
    expect(seen(await within(5000, 'the live query completing on close', live))).toEqual([['C', 1]]);
    await expect(all(readJournal.currentAllEvents())).rejects.toBeInstanceOf(QueryUnavailable);
    await readJournal.close();
    await journal.close();
    expect(existsSync(`${path}-wal`), 'the last connection to close removes the WAL file').toBe(false);
  });

  it('keeps its connection while open (the WAL file stays after the journal closes)', async () => {
    const path = fresh();
    const journal = new SqliteJournal({ path });
    await journal.writeMessages([atomic('W', 1)]);
    const readJournal = new SqliteReadJournal({ path });
    await journal.close();
    expect(existsSync(`${path}-wal`)).toBe(true);
    await readJournal.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('resumes from a stored offset text across read journal instances', async () => {
    const path = fresh();
    const journal = journalOn(path);
    await journal.writeMessages([atomic('R', 1, 3)]);
    const first = readJournalOn(path);
    const [one] = await all(first.currentEventsByPersistenceId('R', 1, 1));
    const text = String(one!.offset);
    const second = readJournalOn(path);
    expect(seen(await all(second.currentAllEvents(Offset.parse(text))))).toEqual([['R', 2], ['R', 3]]);
  });
});
