import { expect } from 'vitest';
import type { EventEnvelope, Offset } from '@engram/core';
import type { ReadJournal } from '@engram/core/spi';
import { currentByTag } from './byTagCases.js';
import { describeEnvelopes, ofIds, offsetNow, seen, type Seen } from './envelopes.js';
import type { EventWriters } from './EventWriters.js';
import { LiveCollector, drain, readEach } from './LiveCollector.js';
import type { ReadJournalCaseContext, ReadJournalGroup } from './ReadJournalCase.js';

function currentAll(context: ReadJournalCaseContext, readJournal: ReadJournal, offset: Offset, keep: (e: EventEnvelope) => boolean): Promise<EventEnvelope[]> {
  return drain(`currentAllEvents(${String(offset)})`, (signal) => readJournal.currentAllEvents(offset, { signal }), context.deadlineMs, {
    keep,
    describe: describeEnvelopes,
  });
}

function liveAll(readJournal: ReadJournal, offset: Offset, keep: (e: EventEnvelope) => boolean): LiveCollector<EventEnvelope> {
  return LiveCollector.start(`allEvents(${String(offset)})`, (signal) => readJournal.allEvents(offset, { signal }), { keep, describe: describeEnvelopes });
}

interface Written {
  readonly readJournal: ReadJournal;
  readonly writers: EventWriters;
  readonly ids: readonly [string, string, string];
  /** Before the case's events. */
  readonly before: Offset;
  readonly written: Seen[];
}

async function written(context: ReadJournalCaseContext): Promise<Written> {
  const readJournal = await context.readJournal({ pageSize: 2 });
  const writers = context.writers(context.tags());
  const ids = [context.pid('a'), context.pid('b'), context.pid('c')] as const;
  const before = await offsetNow(readJournal, writers, context.pid('marker'), context.deadlineMs);
  const [a, b, c] = ids;
  const plan: Seen[] = [
    [a, 1, 'hello'],
    [b, 1, 'a black car'],
    [a, 2, 'a green apple'],
    [c, 1, 'a blue sky'],
    [b, 2, 'a green banana'],
    [c, 2, 'world'],
  ];
  for (const [pid, , event] of plan) await writers.persist(pid, event as string);
  return { readJournal, writers, ids, before, written: plan };
}

export const allEventsCases: ReadJournalGroup = {
  name: 'allEvents / currentAllEvents',
  cases: [
    {
      // Not from Offset.start: the shared store may hold events of other suites that this read
      // journal's serializers cannot read.
      name: 'currentAllEvents returns every event in global order and completes; resuming from an offset is exclusive',
      run: async (context) => {
        const { readJournal, ids, before, written: plan } = await written(context);
        const keep = ofIds(...ids);
        expect(seen(await currentAll(context, readJournal, before, keep)), 'from an offset before the case').toEqual(plan);
        const all = await currentAll(context, readJournal, before, keep);
        expect(seen(await currentAll(context, readJournal, all[2]!.offset, keep)), 'after the third event (exclusive)').toEqual(plan.slice(3));
      },
    },
    {
      name: 'currentAllEvents does not return events persisted after the query started',
      run: async (context) => {
        const { readJournal, writers, ids, before, written: plan } = await written(context);
        const read = await readEach(
          'currentAllEvents while persisting more',
          (signal) => readJournal.currentAllEvents(before, { signal }),
          async (envelope, i) => {
            if (ids.includes(envelope.persistenceId)) await writers.persist(ids[i % 3]!, `late ${i}`);
          },
          context.deadlineMs,
        );
        expect(seen(read.filter(ofIds(...ids))), 'the events stored when the query started').toEqual(plan);
      },
    },
    {
      name: 'allEvents returns the stored events, then new ones; resuming from an offset is exclusive',
      run: async (context) => {
        const { readJournal, writers, ids, before, written: plan } = await written(context);
        const keep = ofIds(...ids);
        const query = liveAll(readJournal, before, keep);
        await query.waitFor((items) => items.length >= plan.length, context.deadlineMs, 'the stored events');
        await writers.persist(ids[0], 'a late one');
        await writers.persist(ids[2], 'a late two', 'a late three');
        await query.waitFor((items) => items.length >= plan.length + 3, context.deadlineMs, 'the events persisted later');
        const first = await query.stop(context.deadlineMs);
        const expected: Seen[] = [...plan, [ids[0], 3, 'a late one'], [ids[2], 3, 'a late two'], [ids[2], 4, 'a late three']];
        expect(seen(first)).toEqual(expected);
        const resumed = liveAll(readJournal, first[3]!.offset, keep);
        await resumed.waitFor((items) => items.length >= expected.length - 4, context.deadlineMs, 'the events after the fourth');
        await writers.persist(ids[1], 'a later one');
        await resumed.waitFor((items) => items.length >= expected.length - 3, context.deadlineMs, 'the event persisted after resuming');
        expect(seen(await resumed.stop(context.deadlineMs))).toEqual([...expected.slice(4), [ids[1], 3, 'a later one']]);
      },
    },
    {
      name: 'deleted events are not returned by currentEventsByTag and currentAllEvents',
      run: async (context) => {
        // Akka persistence JDBC's HardDeleteQueryTest.
        const readJournal = await context.readJournal({ pageSize: 2 });
        const tags = context.tags();
        const writers = context.writers(tags);
        const [a, b] = [context.pid('a'), context.pid('b')];
        const before = await offsetNow(readJournal, writers, context.pid('marker'), context.deadlineMs);
        for (const [pid, event] of [[a, 'a green 1'], [b, 'a green 2'], [a, 'a green 3'], [a, 'a green 4'], [b, 'a green 5']] as const) {
          await writers.persist(pid, event);
        }
        await context.journal.deleteMessagesTo(a, 2);
        const expected: Seen[] = [
          [b, 1, 'a green 2'],
          [a, 3, 'a green 4'],
          [b, 2, 'a green 5'],
        ];
        expect(seen(await currentByTag(context, readJournal, tags.of('green'))), 'currentEventsByTag after deleting 2 events').toEqual(expected);
        expect(seen(await currentAll(context, readJournal, before, ofIds(a, b))), 'currentAllEvents after deleting 2 events').toEqual(expected);
      },
    },
  ],
};
