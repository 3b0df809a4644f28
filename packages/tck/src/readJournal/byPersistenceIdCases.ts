import { expect } from 'vitest';
import type { ReadJournal } from '@engram/core/spi';
import type { EventEnvelope } from '@engram/core';
import type { CaseTags } from './CaseTags.js';
import { describeEnvelopes, expectEnvelopeFields, seen, type Seen } from './envelopes.js';
import type { EventWriters } from './EventWriters.js';
import { LiveCollector, drain, readEach } from './LiveCollector.js';
import type { ReadJournalCaseContext, ReadJournalGroup } from './ReadJournalCase.js';

// Akka's EventsByPersistenceIdSpec writes these five.
export const FIVE = ['a black car', 'a green apple', 'a blue sky', 'a green banana', 'a black cat'] as const;

interface Five {
  readonly pid: string;
  readonly tags: CaseTags;
  readonly writers: EventWriters;
  readonly readJournal: ReadJournal;
}

/** A fresh id with FIVE persisted as five writes, and a read journal with small pages. */
async function five(context: ReadJournalCaseContext): Promise<Five> {
  const readJournal = await context.readJournal({ pageSize: 2 });
  const tags = context.tags();
  const writers = context.writers(tags);
  const pid = context.pid('five');
  for (const event of FIVE) await writers.persist(pid, event);
  return { pid, tags, writers, readJournal };
}

function expected(pid: string, from: number, to: number): Seen[] {
  return FIVE.map((event, i) => [pid, i + 1, event] as const).filter(([, seq]) => seq >= from && seq <= to);
}

function current(context: ReadJournalCaseContext, readJournal: ReadJournal, pid: string, from: number, to: number): Promise<EventEnvelope[]> {
  return drain(
    `currentEventsByPersistenceId(${pid}, ${from}, ${to})`,
    (signal) => readJournal.currentEventsByPersistenceId(pid, from, to, { signal }),
    context.deadlineMs,
    { describe: describeEnvelopes },
  );
}

function live(readJournal: ReadJournal, pid: string, from: number, to: number): LiveCollector<EventEnvelope> {
  return LiveCollector.start(`eventsByPersistenceId(${pid}, ${from}, ${to})`, (signal) => readJournal.eventsByPersistenceId(pid, from, to, { signal }), {
    describe: describeEnvelopes,
  });
}

export const currentByPersistenceIdCases: ReadJournalGroup = {
  name: 'currentEventsByPersistenceId',
  cases: [
    {
      name: 'returns the events from..to (inclusive) with their fields, and completes',
      run: async (context) => {
        const { pid, tags, readJournal } = await five(context);
        expect(seen(await current(context, readJournal, pid, 2, 4)), '(2, 4)').toEqual(expected(pid, 2, 4));
        expect(seen(await current(context, readJournal, pid, 0, Infinity)), '(0, ∞)').toEqual(expected(pid, 1, 5));
        expect(seen(await current(context, readJournal, pid, 1, 100)), '(1, 100): beyond the highest').toEqual(expected(pid, 1, 5));
        expect(seen(await current(context, readJournal, pid, 5, 5)), '(5, 5)').toEqual(expected(pid, 5, 5));
        const all = await current(context, readJournal, pid, 1, Infinity);
        all.forEach((envelope, i) => expectEnvelopeFields(envelope, readJournal, tags.tagsOf(FIVE[i]!)));
        expect(new Set(all.map((e) => String(e.offset))).size, 'every event has its own offset').toBe(all.length);
      },
    },
    {
      name: 'does not return deleted events',
      run: async (context) => {
        const { pid, readJournal } = await five(context);
        await context.journal.deleteMessagesTo(pid, 2);
        expect(seen(await current(context, readJournal, pid, 1, Infinity)), 'after deleting to 2').toEqual(expected(pid, 3, 5));
        expect(seen(await current(context, readJournal, pid, 1, 2)), '(1, 2) after deleting to 2').toEqual([]);
      },
    },
    {
      name: 'an unknown persistenceId completes empty',
      run: async (context) => {
        const readJournal = await context.readJournal();
        expect(seen(await current(context, readJournal, context.pid('unknown'), 0, Infinity))).toEqual([]);
      },
    },
    {
      name: 'from above to, (4, 3), completes empty; so does a range above the highest',
      run: async (context) => {
        const { pid, readJournal } = await five(context);
        expect(seen(await current(context, readJournal, pid, 4, 3)), '(4, 3)').toEqual([]);
        expect(seen(await current(context, readJournal, pid, 6, Infinity)), '(6, ∞)').toEqual([]);
      },
    },
    {
      name: 'completes with what was stored when it started, also while more is persisted',
      run: async (context) => {
        const { pid, writers, readJournal } = await five(context);
        const read = await readEach(
          `currentEventsByPersistenceId(${pid}) while persisting more`,
          (signal) => readJournal.currentEventsByPersistenceId(pid, 1, Infinity, { signal }),
          (_envelope, i) => writers.persist(pid, `a green leaf ${i}`),
          context.deadlineMs,
        );
        expect(seen(read), 'the five stored when the query started').toEqual(expected(pid, 1, 5));
      },
    },
  ],
};

export const liveByPersistenceIdCases: ReadJournalGroup = {
  name: 'eventsByPersistenceId (live)',
  cases: [
    {
      name: 'returns the stored events, then new ones as they are persisted',
      run: async (context) => {
        const { pid, writers, readJournal } = await five(context);
        const query = live(readJournal, pid, 0, Infinity);
        await query.waitFor((items) => items.length >= 5, context.deadlineMs, 'the five stored events');
        await writers.persist(pid, 'a green leaf');
        await writers.persist(pid, 'a blue whale', 'a black hole');
        await query.waitFor((items) => items.length >= 8, context.deadlineMs, 'the three events persisted later');
        const items = await query.stop(context.deadlineMs);
        expect(seen(items)).toEqual([...expected(pid, 1, 5), [pid, 6, 'a green leaf'], [pid, 7, 'a blue whale'], [pid, 8, 'a black hole']]);
      },
    },
    {
      name: 'completes once toSequenceNr is reached',
      run: async (context) => {
        const { pid, writers, readJournal } = await five(context);
        const query = live(readJournal, pid, 2, 7);
        await query.waitFor((items) => items.length >= 4, context.deadlineMs, 'stored events 2 to 5');
        await writers.persist(pid, 'a green leaf');
        await writers.persist(pid, 'a blue whale', 'a black hole');
        const items = await query.waitForEnd(context.deadlineMs, 'completion at sequence nr 7');
        expect(seen(items)).toEqual([...expected(pid, 2, 5), [pid, 6, 'a green leaf'], [pid, 7, 'a blue whale']]);
      },
    },
    {
      name: 'returns the events of an id that had none when the query started',
      run: async (context) => {
        const readJournal = await context.readJournal();
        const writers = context.writers(context.tags());
        const pid = context.pid('later');
        const query = live(readJournal, pid, 0, Infinity);
        await writers.persist(pid, 'a green apple');
        await writers.persist(pid, 'a blue sky');
        await query.waitFor((items) => items.length >= 2, context.deadlineMs, 'the two events persisted after the query started');
        expect(seen(await query.stop(context.deadlineMs))).toEqual([
          [pid, 1, 'a green apple'],
          [pid, 2, 'a blue sky'],
        ]);
      },
    },
  ],
};
