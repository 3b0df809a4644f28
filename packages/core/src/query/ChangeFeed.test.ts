import { describe, expect, it } from 'vitest';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import type { JournalReader } from '../spi/JournalReader.js';
import type { PersistentRepr } from '../spi/PersistentRepr.js';
import { ManualScheduler } from '../testkit/ManualScheduler.js';
import { ReadJournal } from './ReadJournal.js';

function repr(persistenceId: string, sequenceNr: number, tags: string[] = []): PersistentRepr {
  return { persistenceId, sequenceNr, serializerId: 1, manifest: '', payload: JSON.stringify(`${persistenceId}-${sequenceNr}`), writerUuid: 'w', timestamp: 0, tags };
}

/** Counts the reader calls, as a database would see them. */
function counting(reader: JournalReader<number>) {
  const calls = { readEvents: 0, readChangeMarker: 0 };
  const counted: JournalReader<number> = Object.create(reader) as JournalReader<number>;
  Object.assign(counted, {
    readEvents: (q: Parameters<JournalReader<number>['readEvents']>[0]) => {
      calls.readEvents++;
      return reader.readEvents(q);
    },
    readChangeMarker: () => {
      calls.readChangeMarker++;
      return reader.readChangeMarker();
    },
  });
  return { reader: counted, calls };
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('live queries woken by the shared change feed', () => {
  it('50 idle live queries cost one marker check per poll interval, and a write by another process wakes them all', async () => {
    const journal = new MemoryJournal();
    await journal.writeMessages([{ persistenceId: 'a', events: [repr('a', 1, ['t'])] }]);
    const scheduler = new ManualScheduler();
    const { reader, calls } = counting(journal.reader);
    // No notifyWritten: the writes below are "another process", seen only by polling.
    const readJournal = new ReadJournal<string>(reader, { scheduler, pollIntervalMs: 100 }, false);
    const received: string[][] = Array.from({ length: 50 }, () => []);
    const done = received.map(async (into) => {
      for await (const envelope of readJournal.eventsByTag('t')) {
        into.push(envelope.event);
        if (into.length === 2) return;
      }
    });
    await flush();
    expect(received.every((r) => r.length === 1)).toBe(true);
    // First poll: every query learns the marker (and re-reads once); after that they sleep.
    await scheduler.advance(100);
    await flush();
    const eventsAfterFirstPoll = calls.readEvents;
    const markersBefore = calls.readChangeMarker;
    for (let i = 0; i < 10; i++) await scheduler.advance(100);
    await flush();
    expect(calls.readChangeMarker - markersBefore).toBe(10);
    expect(calls.readEvents).toBe(eventsAfterFirstPoll);

    await journal.writeMessages([{ persistenceId: 'b', events: [repr('b', 1, ['t'])] }]);
    await scheduler.advance(100);
    await Promise.all(done);
    expect(received.every((r) => r.join() === 'a-1,b-1')).toBe(true);
    expect(scheduler.pendingTasks).toBe(0);
  });

  it('a commit seen by a poll while a query reads its page is not slept through', async () => {
    const journal = new MemoryJournal();
    const scheduler = new ManualScheduler();
    const reader = journal.reader;
    let raceOnRead: (() => Promise<void>) | undefined;
    const racing: JournalReader<number> = Object.create(reader) as JournalReader<number>;
    Object.assign(racing, {
      readEvents: async (q: Parameters<JournalReader<number>['readEvents']>[0]) => {
        const page = await reader.readEvents(q);
        const race = raceOnRead;
        raceOnRead = undefined;
        // After the page was read and before the query waits: another process commits and a poll
        // (kept running by the other, idle query) sees it.
        if (race !== undefined) await race();
        return page;
      },
    });
    const readJournal = new ReadJournal<string>(racing, { scheduler, pollIntervalMs: 100 }, false);
    const collect = (into: string[]) =>
      (async () => {
        for await (const envelope of readJournal.allEvents()) {
          into.push(envelope.event);
          if (into.length === 1) return;
        }
      })();
    const idle: string[] = [];
    const idleDone = collect(idle);
    await flush();
    await scheduler.advance(100); // the feed learns the marker; the idle query sleeps on it
    await flush();
    const racer: string[] = [];
    raceOnRead = async () => {
      await journal.writeMessages([{ persistenceId: 'late', events: [repr('late', 1)] }]);
      await scheduler.advance(100);
      await flush();
    };
    const racerDone = collect(racer);
    await flush();
    await idleDone;
    expect(idle).toEqual(['late-1']);
    await scheduler.advance(100);
    await flush();
    await scheduler.advance(100);
    await flush();
    expect(racer).toEqual(['late-1']);
    await racerDone;
  });

  it('a query pulled slowly reads one page at a time (back-pressure)', async () => {
    const journal = new MemoryJournal();
    for (let i = 1; i <= 100; i++) await journal.writeMessages([{ persistenceId: 'a', events: [repr('a', i)] }]);
    const { reader, calls } = counting(journal.reader);
    const readJournal = new ReadJournal<string>(reader, { scheduler: new ManualScheduler(), pageSize: 10 }, false);
    const iterator = readJournal.currentAllEvents()[Symbol.asyncIterator]();
    for (let i = 0; i < 15; i++) await iterator.next();
    expect(calls.readEvents).toBe(2);
    await iterator.return?.();
  });
});

describe('a catch-up over a store that answers at once', () => {
  it('lets timers and I/O run between pages instead of holding the event loop until it ends', async () => {
    const journal = new MemoryJournal();
    await journal.writeMessages(Array.from({ length: 2000 }, (_, i) => ({ persistenceId: `p${i}`, events: [repr(`p${i}`, 1)] })));
    const readJournal = new ReadJournal<string>(journal.reader, { scheduler: new ManualScheduler(), pageSize: 100 }, false);
    let turns = 0;
    let stop = false;
    const tick = (): void => {
      turns++;
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    let read = 0;
    for await (const _ of readJournal.currentAllEvents()) read++;
    const turnsDuringCatchUp = turns;
    stop = true;
    expect(read).toBe(2000);
    expect(turnsDuringCatchUp).toBeGreaterThanOrEqual(10);
  });
});
