import { describe, expect, it } from 'vitest';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import type { JournalReader } from '../spi/JournalReader.js';
import type { PersistentRepr } from '../spi/PersistentRepr.js';
import { ManualScheduler } from '../testkit/ManualScheduler.js';
import { ReadJournal } from './ReadJournal.js';

function repr(persistenceId: string, sequenceNr: number): PersistentRepr {
  return { persistenceId, sequenceNr, serializerId: 1, manifest: '', payload: JSON.stringify(`${persistenceId}-${sequenceNr}`), writerUuid: 'w', timestamp: 0, tags: [] };
}

type ReadName = 'readEvents' | 'readEventsByPersistenceId' | 'readPersistenceIds' | 'readHorizon';

/**
 * A reader whose next call of `name` waits until the test settles it: a store read still running
 * when the read journal closes, as a PostgreSQL query in flight at system termination.
 */
function heldReader(reader: JournalReader<number>, name: ReadName) {
  let hold = false;
  let held: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  let onHeld: () => void = () => {};
  const wrapped = Object.create(reader) as JournalReader<number>;
  Object.assign(wrapped, {
    [name]: (...args: unknown[]) => {
      const real = () => (reader[name] as (...a: unknown[]) => Promise<unknown>).apply(reader, args);
      if (!hold) return real();
      hold = false;
      return new Promise((resolve, reject) => {
        held = { resolve: () => resolve(real()), reject };
        onHeld();
      });
    },
  });
  return {
    reader: wrapped,
    /** Holds the next call; resolves once it is held. */
    holdNext: () => {
      hold = true;
      return new Promise<void>((resolve) => (onHeld = resolve));
    },
    release: () => held!.resolve(),
    fail: (error: unknown) => held!.reject(error),
  };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const storeClosed = () => new Error('the store was closed');

describe('closing a read journal while a query is reading the store', () => {
  it('a live allEvents completes when its read then fails because the store went away; close waits for the read first', async () => {
    const journal = new MemoryJournal();
    await journal.writeMessages([{ persistenceId: 'a', events: [repr('a', 1)] }]);
    const held = heldReader(journal.reader, 'readEvents');
    const readJournal = new ReadJournal<string>(held.reader, { scheduler: new ManualScheduler() }, false);
    const received: string[] = [];
    const reading = held.holdNext();
    const done = (async () => {
      for await (const envelope of readJournal.allEvents()) received.push(envelope.event);
    })();
    await reading;
    let closed = false;
    const closing = readJournal.close().then(() => (closed = true));
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    held.fail(storeClosed());
    await closing;
    await expect(done).resolves.toBeUndefined();
    expect(received).toEqual([]);
  });

  it('each kind of query ends quietly when its read fails after close', async () => {
    const cases: { name: ReadName; query: (rj: ReadJournal<string>) => AsyncIterable<unknown> }[] = [
      { name: 'readEvents', query: (rj) => rj.currentEventsByTag('t') },
      { name: 'readEventsByPersistenceId', query: (rj) => rj.eventsByPersistenceId('a') },
      { name: 'readPersistenceIds', query: (rj) => rj.currentPersistenceIds() },
      { name: 'readHorizon', query: (rj) => rj.persistenceIds() },
    ];
    for (const { name, query } of cases) {
      const journal = new MemoryJournal();
      await journal.writeMessages([{ persistenceId: 'a', events: [repr('a', 1)] }]);
      const held = heldReader(journal.reader, name);
      const readJournal = new ReadJournal<string>(held.reader, { scheduler: new ManualScheduler() }, false);
      const reading = held.holdNext();
      const done = collect(query(readJournal));
      await reading;
      const closing = readJournal.close();
      held.fail(storeClosed());
      await closing;
      await expect(done, name).resolves.toEqual([]);
    }
  });

  it('a read that succeeds after close delivers its page and the live query then completes', async () => {
    const journal = new MemoryJournal();
    await journal.writeMessages([{ persistenceId: 'a', events: [repr('a', 1), repr('a', 2)] }]);
    const held = heldReader(journal.reader, 'readEventsByPersistenceId');
    const readJournal = new ReadJournal<string>(held.reader, { scheduler: new ManualScheduler() }, false);
    const reading = held.holdNext();
    const done = collect(readJournal.eventsByPersistenceId('a'));
    await reading;
    const closing = readJournal.close();
    held.release();
    await closing;
    expect((await done).map((e) => (e as { event: string }).event)).toEqual(['a-1', 'a-2']);
  });

  it('while the read journal is open, a failing read still ends the query with the store error', async () => {
    const journal = new MemoryJournal();
    const held = heldReader(journal.reader, 'readEvents');
    const readJournal = new ReadJournal<string>(held.reader, { scheduler: new ManualScheduler() }, false);
    const reading = held.holdNext();
    const done = collect(readJournal.allEvents());
    await reading;
    held.fail(new Error('connection reset'));
    await expect(done).rejects.toThrow('connection reset');
    await readJournal.close();
  });
});
