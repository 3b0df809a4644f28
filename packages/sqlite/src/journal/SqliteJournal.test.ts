import Database from 'better-sqlite3';
import type { PersistentRepr } from '@engram/core/spi';
import { afterEach, describe, expect, it } from 'vitest';
import { atomic, repr, tempDatabase } from '../testing/fixtures.test-support.js';
import { SqliteJournal, type SqliteJournalOptions } from './SqliteJournal.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function open(options: Partial<SqliteJournalOptions> = {}) {
  const db = tempDatabase();
  cleanups.push(db.remove);
  const journal = new SqliteJournal({ path: db.path, ...options });
  cleanups.push(() => journal.close());
  return { journal, path: db.path };
}

function rawConnection(path: string): Database.Database {
  const db = new Database(path);
  cleanups.push(() => void db.close());
  return db;
}

async function replayAll(journal: SqliteJournal, pid: string): Promise<PersistentRepr[]> {
  const events: PersistentRepr[] = [];
  await journal.replayMessages(pid, 1, Infinity, Infinity, (r) => events.push(r));
  return events;
}

describe('SqliteJournal', () => {
  it('never reuses an ordering, also after the newest events were deleted', async () => {
    const { journal, path } = open();
    await journal.writeMessages([atomic('a', 1, 3), atomic('b', 1, 2)]);
    const raw = rawConnection(path);
    const highestBefore = raw.prepare('SELECT max(ordering) FROM events').pluck().get() as number;
    await journal.deleteMessagesTo('b', Infinity);
    await journal.deleteMessagesTo('a', Infinity);
    expect(raw.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);

    await journal.writeMessages([atomic('b', 3)]);
    const next = raw.prepare('SELECT ordering FROM events').pluck().all() as number[];
    expect(next).toHaveLength(1);
    expect(next[0]).toBeGreaterThan(highestBefore);
    expect(await journal.readHighestSequenceNr('a', 0)).toBe(3);
  });

  it('assigns orderings in write order within a call and across calls', async () => {
    const { journal, path } = open();
    await journal.writeMessages([atomic('x', 1, 2), atomic('y', 1), atomic('x', 3)]);
    await journal.writeMessages([atomic('y', 2)]);
    const rows = rawConnection(path)
      .prepare('SELECT s.persistence_id || \':\' || e.seq_nr FROM events e JOIN streams s ON s.id = e.stream_id ORDER BY e.ordering')
      .pluck()
      .all();
    expect(rows).toEqual(['x:1', 'x:2', 'y:1', 'x:3', 'y:2']);
  });

  it('takes orderings from the file, so two connections writing in turn get them in commit order', async () => {
    const { journal, path } = open({ writers: 'shared' });
    const other = new SqliteJournal({ path, writers: 'shared' });
    cleanups.push(() => other.close());
    for (let seq = 1; seq <= 20; seq++) {
      await journal.writeMessages([atomic('left', seq)]);
      await other.writeMessages([atomic('right', seq)]);
    }
    const rows = rawConnection(path)
      .prepare("SELECT s.persistence_id || ':' || e.seq_nr FROM events e JOIN streams s ON s.id = e.stream_id ORDER BY e.ordering")
      .pluck()
      .all();
    expect(rows).toEqual(Array.from({ length: 20 }, (_, i) => [`left:${i + 1}`, `right:${i + 1}`]).flat());
  });

  it('stores tags per event so events by tag come back in global order from the tag index, and replays them', async () => {
    const { journal, path } = open({ indexMergeEvery: 2 });
    await journal.writeMessages([
      atomic('t1', 1, 1, { tags: ['green', 'apple'] }),
      atomic('t2', 1, 1, { tags: ['apple'] }),
      atomic('t1', 2, 2, { tags: [] }),
      atomic('t2', 2, 2, { tags: ['apple', 'apple', 'black'] }),
    ]);
    const raw = rawConnection(path);
    const byTag = (tag: string) =>
      raw
        .prepare(
          `SELECT s.persistence_id || ':' || e.seq_nr FROM event_tags et
             JOIN tags t ON t.id = et.tag_id JOIN events e ON e.ordering = et.ordering
             JOIN streams s ON s.id = e.stream_id
            WHERE t.name = ? ORDER BY et.ordering`,
        )
        .pluck()
        .all(tag);
    expect(byTag('apple')).toEqual(['t1:1', 't2:1', 't2:2']);
    expect(byTag('green')).toEqual(['t1:1']);
    const plan = raw
      .prepare('EXPLAIN QUERY PLAN SELECT ordering FROM event_tags WHERE tag_id = 1 AND ordering > 0 ORDER BY ordering')
      .all()
      .map((row) => (row as { detail: string }).detail)
      .join('; ');
    expect(plan).toMatch(/SEARCH event_tags USING PRIMARY KEY/);
    expect(plan).not.toMatch(/TEMP B-TREE/);

    expect((await replayAll(journal, 't2')).map((r) => r.tags)).toEqual([['apple'], ['apple', 'apple', 'black']]);
    await journal.deleteMessagesTo('t2', 1);
    expect(byTag('apple')).toEqual(['t1:1', 't2:2']);
  });

  it('in one call: rejects a too-large write and an empty persistenceId, conflicts a taken sequence nr, stores the rest', async () => {
    const { journal } = open({ maxPayloadBytes: 100 });
    await journal.writeMessages([atomic('taken', 1, 1, { payload: 'original' })]);
    const results = await journal.writeMessages([
      atomic('ok-1', 1),
      atomic('big', 1, 2, { payload: 'é'.repeat(51) }),
      atomic('taken', 1, 2),
      atomic('', 1),
      atomic('ok-2', 1, 3),
    ]);
    expect(results.map((r) => r?.name)).toEqual([
      undefined,
      'PayloadTooLarge',
      'SequenceConflict',
      'InvalidPersistenceId',
      undefined,
    ]);
    expect(results[1]?.message).toMatch(/event 1 of persistenceId "big" is 102 bytes/);
    expect(results[2]?.message).toMatch(/sequence nr 1 of persistenceId "taken"/);
    expect((await replayAll(journal, 'ok-1')).map((r) => r.sequenceNr)).toEqual([1]);
    expect((await replayAll(journal, 'ok-2')).map((r) => r.sequenceNr)).toEqual([1, 2, 3]);
    expect(await replayAll(journal, 'big')).toEqual([]);
    expect(await journal.readHighestSequenceNr('big', 0)).toBe(0);
    expect((await replayAll(journal, 'taken')).map((r) => [r.sequenceNr, r.payload])).toEqual([[1, 'original']]);
    expect(await journal.readHighestSequenceNr('taken', 0)).toBe(1);
  });

  it('rejects sequence nrs that are not consecutive within an AtomicWrite', async () => {
    const { journal } = open();
    const [result] = await journal.writeMessages([{ persistenceId: 'gap', events: [repr('gap', 1), repr('gap', 3)] }]);
    expect(result?.name).toBe('InvalidWrite');
    expect(result?.message).toMatch(/event 3 of persistenceId "gap": .*consecutive, expected 2/);
    expect(await journal.readHighestSequenceNr('gap', 0)).toBe(0);
  });

  it('gives a second connection on the same file a SequenceConflict and leaves the first writer intact', async () => {
    const { journal, path } = open({ writers: 'shared' });
    const second = new SqliteJournal({ path, writers: 'shared' });
    cleanups.push(() => second.close());
    expect(await journal.writeMessages([atomic('shared', 1, 2, { writerUuid: 'first' })])).toEqual([undefined]);
    const results = await second.writeMessages([atomic('shared', 2, 3, { writerUuid: 'second' }), atomic('other', 1)]);
    expect(results.map((r) => r?.name)).toEqual(['SequenceConflict', undefined]);
    const events = await replayAll(journal, 'shared');
    expect(events.map((r) => [r.sequenceNr, r.writerUuid])).toEqual([[1, 'first'], [2, 'first']]);
    expect(await journal.readHighestSequenceNr('other', 0)).toBe(1);
  });

  it('with shared writers, a journal that wrote an id before still sees what another wrote since', async () => {
    const { journal, path } = open({ writers: 'shared' });
    const second = new SqliteJournal({ path, writers: 'shared' });
    cleanups.push(() => second.close());
    expect(await journal.writeMessages([atomic('turns', 1, 1, { writerUuid: 'first' })])).toEqual([undefined]);
    expect(await second.writeMessages([atomic('turns', 2, 2, { writerUuid: 'second' })])).toEqual([undefined]);
    const [stale] = await journal.writeMessages([atomic('turns', 2, 2, { writerUuid: 'first' })]);
    expect(stale?.name).toBe('SequenceConflict');
    const events = await replayAll(second, 'turns');
    expect(events.map((r) => [r.sequenceNr, r.writerUuid])).toEqual([[1, 'first'], [2, 'second']]);
  });

  it('as the single writer, refuses in later calls the sequence nrs it wrote or deleted', async () => {
    const { journal } = open();
    expect(await journal.writeMessages([atomic('own', 1, 3)])).toEqual([undefined]);
    expect((await journal.writeMessages([atomic('own', 3)]))[0]?.name).toBe('SequenceConflict');
    await journal.deleteMessagesTo('own', 3);
    expect((await journal.writeMessages([atomic('own', 2, 3)]))[0]?.name).toBe('SequenceConflict');
    expect(await journal.writeMessages([atomic('own', 4)])).toEqual([undefined]);
    expect((await replayAll(journal, 'own')).map((r) => r.sequenceNr)).toEqual([4]);
    expect(await journal.readHighestSequenceNr('own', 0)).toBe(4);
  });

  it('as the single writer, moves the recent index into the main one every indexMergeEvery events, a call at a time', async () => {
    const { journal, path } = open({ indexMergeEvery: 4 });
    for (let seq = 1; seq <= 10; seq++) expect(await journal.writeMessages([atomic('lone', seq)])).toEqual([undefined]);
    const raw = rawConnection(path);
    const count = (table: string) => raw.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    // Merged after orderings 4 and 8; 9 and 10 wait in the recent index.
    expect(raw.prepare("SELECT value FROM journal_state WHERE name = 'index_merged_upto'").pluck().get()).toBe(8);
    expect([count('event_index'), count('event_index_recent')]).toEqual([8, 2]);
    expect(raw.prepare('SELECT ordering FROM events ORDER BY ordering').pluck().all()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await replayAll(journal, 'lone')).map((r) => r.sequenceNr)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('stores a call of 1,000 AtomicWrites from 1,000 persistenceIds in one transaction', async () => {
    const { journal, path } = open({ writers: 'shared' });
    const blocker = rawConnection(path);
    await journal.writeMessages([atomic('warm', 1)]);
    const writes = Array.from({ length: 1000 }, (_, i) => atomic(`actor-${i}`, 1));
    expect((await journal.writeMessages(writes)).every((r) => r === undefined)).toBe(true);
    // all of the call or nothing: while another connection holds the write lock, nothing lands
    const busy = new SqliteJournal({ path, busyTimeoutMs: 0, writers: 'shared' });
    cleanups.push(() => busy.close());
    blocker.exec('BEGIN IMMEDIATE');
    const failure = await busy.writeMessages(Array.from({ length: 5 }, (_, i) => atomic(`actor-${i}`, 2))).catch((e: unknown) => e);
    blocker.exec('ROLLBACK');
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe('SqliteStoreError');
    expect((failure as Error).message).toContain(path);
    expect((failure as Error).message).toMatch(/writeMessages .*SQLITE_BUSY.*"actor-0", "actor-1", "actor-2" and 2 more/);
    expect((failure as Error).cause).toBeInstanceOf(Error);
    for (let i = 0; i < 5; i++) expect(await journal.readHighestSequenceNr(`actor-${i}`, 0)).toBe(1);
    expect(blocker.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1001);
  });

  it('returns text payloads as the same strings and binary payloads as Uint8Array', async () => {
    const { journal } = open();
    const bytes = new Uint8Array([0, 255, 34, 123, 10]);
    const texts = ['42', '', ' 7', '1e3', '{"a":1}', 'ünïcødé ✓'];
    await journal.writeMessages([
      { persistenceId: 'mixed', events: texts.map((payload, i) => repr('mixed', i + 1, { payload })) },
      atomic('mixed', texts.length + 1, texts.length + 1, {
        payload: bytes,
        metadata: { serializerId: 7, manifest: 'm', payload: new Uint8Array([1, 2]) },
      }),
    ]);
    const events = await replayAll(journal, 'mixed');
    expect(events.slice(0, texts.length).map((r) => r.payload)).toEqual(texts);
    const binary = events[texts.length]!;
    expect(binary.payload).toBeInstanceOf(Uint8Array);
    expect(Array.from(binary.payload as Uint8Array)).toEqual(Array.from(bytes));
    expect(binary.metadata?.serializerId).toBe(7);
    expect(Array.from(binary.metadata?.payload as Uint8Array)).toEqual([1, 2]);
    expect(events[0]?.metadata).toBeUndefined();
  });

  it('replays 50,000 events in order, page by page, letting other work run between pages', async () => {
    const { journal } = open({ replayPageSize: 1000, indexMergeEvery: 20_000 });
    for (let from = 1; from <= 50_000; from += 5000) await journal.writeMessages([atomic('long', from, from + 4999)]);
    let seen = 0;
    let inOrder = true;
    let otherWork = 0;
    let otherWorkDuringReplay = 0;
    const tick = () => {
      otherWork++;
      if (seen < 50_000) setImmediate(tick);
    };
    setImmediate(tick);
    await journal.replayMessages('long', 1, Infinity, Infinity, (r) => {
      inOrder &&= r.sequenceNr === seen + 1;
      seen++;
      if (seen === 49_000) otherWorkDuringReplay = otherWork;
    });
    expect(seen).toBe(50_000);
    expect(inOrder).toBe(true);
    expect(otherWorkDuringReplay).toBeGreaterThan(10);
  });

  it('replays bounded ranges across the recent and merged index', async () => {
    const { journal } = open({ indexMergeEvery: 4, replayPageSize: 3 });
    for (let seq = 1; seq <= 10; seq++) await journal.writeMessages([atomic('r', seq), atomic('noise', seq)]);
    const seqs = async (from: number, to: number, max: number) => {
      const out: number[] = [];
      await journal.replayMessages('r', from, to, max, (e) => out.push(e.sequenceNr));
      return out;
    };
    expect(await seqs(1, Infinity, Infinity)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await seqs(3, 9, 5)).toEqual([3, 4, 5, 6, 7]);
    await journal.deleteMessagesTo('r', 8);
    expect(await seqs(1, Infinity, Infinity)).toEqual([9, 10]);
    expect(await journal.readHighestSequenceNr('r', 0)).toBe(10);
  });

  it('deletes large prefixes in chunks and keeps the highest sequence nr', async () => {
    const { journal } = open({ indexMergeEvery: 7_000 });
    for (let from = 1; from <= 25_000; from += 5000) await journal.writeMessages([atomic('many', from, from + 4999)]);
    await journal.deleteMessagesTo('many', 24_990);
    expect((await replayAll(journal, 'many')).map((r) => r.sequenceNr)).toEqual([
      24_991, 24_992, 24_993, 24_994, 24_995, 24_996, 24_997, 24_998, 24_999, 25_000,
    ]);
    expect(await journal.readHighestSequenceNr('many', 0)).toBe(25_000);
  });

  it('finds the highest sequence nr in either index and after a full delete, and refuses a taken one in each case', async () => {
    const { journal, path } = open({ indexMergeEvery: 4, writers: 'shared' });
    await journal.writeMessages([atomic('merged', 1, 4)]);
    // Two writes of one id in one call: the second is checked against the first, not yet inserted.
    const inCall = await journal.writeMessages([atomic('recent', 1, 2), atomic('recent', 3), atomic('recent', 3)]);
    expect(inCall.map((r) => r?.name)).toEqual([undefined, undefined, 'SequenceConflict']);
    const raw = rawConnection(path);
    const where = (table: string, pid: string) =>
      raw.prepare(`SELECT count(*) FROM ${table} i JOIN streams s ON s.id = i.stream_id WHERE s.persistence_id = ?`).pluck().get(pid);
    expect(where('event_index', 'merged')).toBe(4);
    expect(where('event_index_recent', 'recent')).toBe(3);
    expect(await journal.readHighestSequenceNr('merged', 0)).toBe(4);
    expect(await journal.readHighestSequenceNr('recent', 0)).toBe(3);
    expect((await journal.writeMessages([atomic('merged', 4), atomic('recent', 2)])).map((r) => r?.name)).toEqual([
      'SequenceConflict',
      'SequenceConflict',
    ]);
    await journal.deleteMessagesTo('merged', Infinity);
    await journal.deleteMessagesTo('recent', Infinity);
    expect(raw.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
    expect(await journal.readHighestSequenceNr('merged', 0)).toBe(4);
    expect(await journal.readHighestSequenceNr('recent', 0)).toBe(3);
    expect((await journal.writeMessages([atomic('merged', 3), atomic('recent', 4)])).map((r) => r?.name)).toEqual(['SequenceConflict', undefined]);
    // A second connection (another process) sees the same.
    const second = new SqliteJournal({ path, writers: 'shared' });
    cleanups.push(() => second.close());
    expect(await second.readHighestSequenceNr('merged', 0)).toBe(4);
    expect(await second.readHighestSequenceNr('recent', 0)).toBe(4);
  });

  it('writes no stream or state row for an event: the highest sequence nr and the last ordering are read from the index and the events', async () => {
    const { journal, path } = open();
    await journal.writeMessages([atomic('a', 1)]);
    const raw = rawConnection(path);
    const before = raw.prepare("SELECT (SELECT seq_nr_floor FROM streams WHERE persistence_id = 'a') AS stream, (SELECT value FROM journal_state WHERE name = 'ordering_floor') AS state").get();
    await journal.writeMessages([atomic('a', 2, 5)]);
    expect(raw.prepare("SELECT (SELECT seq_nr_floor FROM streams WHERE persistence_id = 'a') AS stream, (SELECT value FROM journal_state WHERE name = 'ordering_floor') AS state").get()).toEqual(before);
    expect(await journal.readHighestSequenceNr('a', 0)).toBe(5);
  });

  it('a schema-2 file keeps its highest sequence nrs and orderings as floors: no reuse after a delete', async () => {
    const { journal: creator, path } = open();
    await creator.readHighestSequenceNr('any', 0);
    await creator.close();
    const v2 = new Database(path);
    cleanups.push(() => void v2.close());
    // As @engram/sqlite schema 2 left it: exact values kept in the stream row and the state row.
    v2.exec(`PRAGMA user_version = 2;
      ALTER TABLE streams RENAME COLUMN seq_nr_floor TO highest_seq_nr;
      UPDATE journal_state SET name = 'last_ordering', value = 7 WHERE name = 'ordering_floor';
      INSERT INTO streams (persistence_id, highest_seq_nr) VALUES ('old', 9);`);
    v2.close();
    const journal = new SqliteJournal({ path });
    cleanups.push(() => journal.close());
    expect(await journal.readHighestSequenceNr('old', 0)).toBe(9);
    expect((await journal.writeMessages([atomic('old', 9), atomic('old', 10), atomic('new', 1)])).map((r) => r?.name)).toEqual([
      'SequenceConflict',
      'SequenceConflict',
      undefined,
    ]);
    const raw = rawConnection(path);
    expect(raw.pragma('user_version', { simple: true })).toBe(3);
    expect(raw.prepare('SELECT ordering FROM events').pluck().all()).toEqual([8]);
  });

  it('rejects calls after close with a SqliteStoreError; closing twice is harmless', async () => {
    const { journal, path } = open();
    await journal.close();
    await journal.close();
    await expect(journal.writeMessages([atomic('late', 1)])).rejects.toThrow(
      new RegExp(`writeMessages for persistenceId "late" failed on ${path}: the journal is closed`),
    );
    await expect(journal.readHighestSequenceNr('late', 0)).rejects.toMatchObject({ name: 'SqliteStoreError' });
  });

  it('stops a replay with the error onEvent throws', async () => {
    const { journal } = open();
    await journal.writeMessages([atomic('boom', 1, 3)]);
    let calls = 0;
    const failure = new Error('handler failed');
    await expect(
      journal.replayMessages('boom', 1, Infinity, Infinity, () => {
        calls++;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });
});
