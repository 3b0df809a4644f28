import type { JournalReader, PersistentRepr } from '@engram/core/spi';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteJournal, type SqliteJournalOptions } from '../journal/index.js';
import { atomic, repr, tempDatabase } from '../testing/fixtures.test-support.js';
import { SqliteJournalReader } from './SqliteJournalReader.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function journalOn(options: Partial<SqliteJournalOptions> = {}) {
  const db = tempDatabase();
  cleanups.push(db.remove);
  const journal = new SqliteJournal({ path: db.path, ...options });
  cleanups.push(() => journal.close());
  return { path: db.path, journal, reader: journal.reader };
}

function ownReader(path: string): SqliteJournalReader {
  const reader = SqliteJournalReader.open({ path });
  cleanups.push(() => reader.close());
  return reader;
}

async function stored(journal: SqliteJournal, ...writes: Parameters<SqliteJournal['writeMessages']>[0]): Promise<void> {
  expect(await journal.writeMessages(writes)).toEqual(writes.map(() => undefined));
}

/** [persistenceId, sequenceNr] of each event of a page. */
function ids(events: readonly { readonly repr: PersistentRepr }[]): [string, number][] {
  return events.map((e) => [e.repr.persistenceId, e.repr.sequenceNr]);
}

async function everything(reader: JournalReader<number>, tag?: string): Promise<{ position: number; repr: PersistentRepr }[]> {
  const page = await reader.readEvents(tag === undefined ? { after: 0, limit: 10_000 } : { after: 0, tag, limit: 10_000 });
  return [...page.events];
}

describe('SqliteJournalReader', () => {
  it('pages through every event in commit order; resuming after a position is exclusive', async () => {
    const { journal, reader } = journalOn();
    await stored(journal, atomic('A', 1, 2), atomic('B', 1));
    await stored(journal, atomic('C', 1), atomic('A', 3));

    const first = await reader.readEvents({ after: reader.startPosition, limit: 2 });
    expect(ids(first.events)).toEqual([['A', 1], ['A', 2]]);
    const second = await reader.readEvents({ after: first.events[1]!.position, limit: 2 });
    expect(ids(second.events)).toEqual([['B', 1], ['C', 1]]);
    const third = await reader.readEvents({ after: second.events[1]!.position, limit: 2 });
    expect(ids(third.events)).toEqual([['A', 3]]);
    expect(await reader.readEvents({ after: third.events[0]!.position, limit: 2 })).toEqual({ events: [], complete: true });

    const positions = [...first.events, ...second.events, ...third.events].map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(5);
    expect(await reader.readCeiling()).toBe(positions[4]);
    expect(await reader.readHorizon()).toBe(positions[4]);
  });

  it('returns each event as it was written: payload text or bytes, metadata, tags, writer, timestamp', async () => {
    const { journal, reader } = journalOn();
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const written: PersistentRepr[] = [
      repr('R', 1, { tags: ['t1', 't2'], payload: '42', writerUuid: 'w-a', timestamp: 5 }),
      repr('R', 2, { payload: bytes, serializerId: 2, manifest: 'Bin', metadata: { serializerId: 1, manifest: 'M', payload: '{"m":1}' } }),
    ];
    await stored(journal, { persistenceId: 'R', events: written });
    const events = await everything(reader);
    expect(events.map((e) => e.repr)).toEqual(written);
    expect(typeof events[0]!.repr.payload).toBe('string');
    expect(events[1]!.repr.payload).toBeInstanceOf(Uint8Array);
  });

  it('stops at upTo and says whether the page reached it', async () => {
    const { journal, reader } = journalOn();
    await stored(journal, atomic('U', 1, 5));
    const ceiling = await reader.readCeiling();
    await stored(journal, atomic('U', 6));
    const upTo = ceiling - 1;
    const full = await reader.readEvents({ after: 0, limit: 2, upTo });
    expect(ids(full.events)).toEqual([['U', 1], ['U', 2]]);
    expect(full.complete).toBe(false);
    const rest = await reader.readEvents({ after: full.events[1]!.position, limit: 10, upTo });
    expect(ids(rest.events)).toEqual([['U', 3], ['U', 4]]);
    expect(rest.complete).toBe(true);
  });

  it('reads events by tag in global order over several ids; an unknown tag gives an empty, complete page', async () => {
    const { journal, reader } = journalOn();
    await stored(journal, atomic('T1', 1, 1, { tags: ['red'] }), atomic('T2', 1, 1, { tags: ['blue'] }));
    await stored(journal, atomic('T2', 2, 2, { tags: ['red', 'blue', 'red'] }), atomic('T1', 2, 2));
    await stored(journal, atomic('T3', 1, 1, { tags: ['red'] }));

    const red = await everything(reader, 'red');
    expect(ids(red)).toEqual([['T1', 1], ['T2', 2], ['T3', 1]]);
    expect(red[1]!.repr.tags).toEqual(['red', 'blue', 'red']);
    const all = await everything(reader);
    // a tagged event is at the same position in both orders
    expect(red.map((e) => e.position)).toEqual(all.filter((e) => e.repr.tags.includes('red')).map((e) => e.position));
    const resumed = await reader.readEvents({ after: red[0]!.position, tag: 'red', limit: 1 });
    expect(ids(resumed.events)).toEqual([['T2', 2]]);
    expect(ids(await everything(reader, 'blue'))).toEqual([['T2', 1], ['T2', 2]]);
    expect(await reader.readEvents({ after: 0, tag: 'green', limit: 10, upTo: await reader.readCeiling() })).toEqual({
      events: [],
      complete: true,
    });
  });

  it('does not return deleted events, by position, by tag or by id; the ids and the ceiling stay', async () => {
    const { journal, reader } = journalOn();
    await stored(journal, atomic('D', 1, 3, { tags: ['d'] }), atomic('E', 1, 1, { tags: ['d'] }));
    const ceiling = await reader.readCeiling();
    await journal.deleteMessagesTo('D', 2);
    expect(ids(await everything(reader))).toEqual([['D', 3], ['E', 1]]);
    expect(ids(await everything(reader, 'd'))).toEqual([['D', 3], ['E', 1]]);
    expect(ids(await reader.readEventsByPersistenceId('D', 1, Infinity, 10))).toEqual([['D', 3]]);
    await journal.deleteMessagesTo('E', Infinity);
    expect(ids(await everything(reader))).toEqual([['D', 3]]);
    expect(await reader.readPersistenceIds(undefined, 10)).toEqual(['D', 'E']);
    expect(await reader.readCeiling()).toBe(ceiling);
    expect(await reader.readHighestSequenceNr('E')).toBe(1);
  });

  it('reads one id by sequence nr range and limit, with the global positions, across both index tables', async () => {
    // Merging every 3 events leaves some of an id's entries merged and the newest recent.
    const { journal, reader } = journalOn({ indexMergeEvery: 3 });
    for (let seq = 1; seq <= 8; seq++) await stored(journal, atomic('P', seq), atomic(`Other${seq}`, 1));
    const all = await everything(reader);
    const positionOf = new Map(all.map((e) => [`${e.repr.persistenceId}:${e.repr.sequenceNr}`, e.position]));

    const range = await reader.readEventsByPersistenceId('P', 2, 7, 4);
    expect(ids(range)).toEqual([['P', 2], ['P', 3], ['P', 4], ['P', 5]]);
    expect(range.map((e) => e.position)).toEqual([2, 3, 4, 5].map((seq) => positionOf.get(`P:${seq}`)));
    expect(ids(await reader.readEventsByPersistenceId('P', 6, Infinity, 100))).toEqual([['P', 6], ['P', 7], ['P', 8]]);
    expect(await reader.readEventsByPersistenceId('P', 9, Infinity, 100)).toEqual([]);
    expect(await reader.readEventsByPersistenceId('Nobody', 1, Infinity, 100)).toEqual([]);
    expect(await reader.readHighestSequenceNr('P')).toBe(8);
    expect(await reader.readHighestSequenceNr('Nobody')).toBe(0);
  });

  it('lists the ids that stored events, in id order and in pages, not those whose writes were refused', async () => {
    const { journal, reader } = journalOn();
    await stored(journal, atomic('b', 1), atomic('a', 1), atomic('c', 1, 2));
    await stored(journal, atomic('aa', 1));
    // refused writes create nothing
    const [conflict] = await journal.writeMessages([atomic('a', 1)]);
    expect(conflict?.name).toBe('SequenceConflict');
    const [invalid] = await journal.writeMessages([{ persistenceId: 'z', events: [repr('y', 1)] }]);
    expect(invalid?.name).toBe('InvalidPersistenceId');
    expect(await reader.readPersistenceIds(undefined, 10)).toEqual(['a', 'aa', 'b', 'c']);
    expect(await reader.readPersistenceIds(undefined, 2)).toEqual(['a', 'aa']);
    expect(await reader.readPersistenceIds('aa', 2)).toEqual(['b', 'c']);
    expect(await reader.readPersistenceIds('c', 2)).toEqual([]);
  });

  it("a reader on its own connection sees another connection's commits, and its change marker moves with them", async () => {
    const { path, journal } = journalOn();
    const reader = ownReader(path);
    await stored(journal, atomic('X', 1));
    const before = await reader.readChangeMarker();
    expect(await reader.readChangeMarker()).toBe(before);
    await stored(journal, atomic('X', 2, 3, { tags: ['x'] }));
    expect(await reader.readChangeMarker()).not.toBe(before);
    expect(ids(await everything(reader))).toEqual([['X', 1], ['X', 2], ['X', 3]]);
    expect(ids(await everything(reader, 'x'))).toEqual([['X', 2], ['X', 3]]);
    expect(await reader.readCeiling()).toBe(await journal.reader.readCeiling());
  });

  it("the journal's own reader sees its commits at once, and its change marker moves with them", async () => {
    const { journal, reader } = journalOn();
    const before = await reader.readChangeMarker();
    expect(await reader.readChangeMarker()).toBe(before);
    await stored(journal, atomic('Own', 1));
    expect(await reader.readChangeMarker()).not.toBe(before);
    expect(ids(await everything(reader))).toEqual([['Own', 1]]);
    expect(journal.reader).toBe(reader);
  });

  it('prints positions as digits and reads them back; refuses anything else', () => {
    const { reader } = journalOn();
    expect(reader.offsetKind).toBe('sqlite');
    expect(reader.parsePosition(reader.formatPosition(123))).toBe(123);
    expect(reader.parsePosition('0')).toBe(0);
    for (const text of ['', '-1', '1.5', ' 1', 'abc', '99999999999999999']) {
      expect(() => reader.parsePosition(text), text).toThrow(/non-negative integer/);
    }
  });

  it("fails with SqliteStoreError naming the operation and the file once the journal is closed; closing the journal's reader leaves the journal open", async () => {
    const { path, journal, reader } = journalOn();
    await reader.close?.();
    await stored(journal, atomic('Still', 1));
    expect(ids(await everything(reader))).toEqual([['Still', 1]]);
    await journal.close();
    await expect(reader.readEvents({ after: 0, limit: 1 })).rejects.toMatchObject({
      name: 'SqliteStoreError',
      message: expect.stringContaining(`SQLite readEvents failed on ${path}: the journal is closed`),
    });
    const own = ownReader(path);
    await own.close();
    await expect(own.readCeiling()).rejects.toThrow(/readCeiling failed .*the read journal is closed/);
  });
});
