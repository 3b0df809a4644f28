import { expect } from 'vitest';
import { Offset, type EventEnvelope } from '@engram/core';
import type { ReadJournal } from '@engram/core/spi';
import type { CaseTags } from './CaseTags.js';
import { describeEnvelopes, expectEnvelopeFields, seen, type Seen } from './envelopes.js';
import type { EventWriters } from './EventWriters.js';
import { LiveCollector, drain, readEach } from './LiveCollector.js';
import type { ReadJournalCaseContext, ReadJournalGroup } from './ReadJournalCase.js';

export function currentByTag(context: ReadJournalCaseContext, readJournal: ReadJournal, tag: string, offset: Offset = Offset.start): Promise<EventEnvelope[]> {
  return drain(`currentEventsByTag(${tag}, ${String(offset)})`, (signal) => readJournal.currentEventsByTag(tag, offset, { signal }), context.deadlineMs, {
    describe: describeEnvelopes,
  });
}

export function liveByTag(readJournal: ReadJournal, tag: string, offset: Offset = Offset.start): LiveCollector<EventEnvelope> {
  return LiveCollector.start(`eventsByTag(${tag}, ${String(offset)})`, (signal) => readJournal.eventsByTag(tag, offset, { signal }), {
    describe: describeEnvelopes,
  });
}

interface Mixed {
  readonly tags: CaseTags;
  readonly writers: EventWriters;
  readonly readJournal: ReadJournal;
  readonly ids: readonly [string, string, string];
  /** What was persisted, in order. */
  readonly written: readonly Seen[];
}

/** Akka's EventsByTagSpec setup: three ids persisting, one at a time, events with and without tags. */
async function mixed(context: ReadJournalCaseContext): Promise<Mixed> {
  const readJournal = await context.readJournal({ pageSize: 2 });
  const tags = context.tags();
  const writers = context.writers(tags);
  const ids = [context.pid('a'), context.pid('b'), context.pid('c')] as const;
  const [a, b, c] = ids;
  const plan: Seen[] = [
    [a, 1, 'hello'],
    [b, 1, 'a black car'],
    [a, 2, 'a green apple'],
    [c, 1, 'a blue sky'],
    [b, 2, 'a green banana'],
    [a, 3, 'a green leaf'],
    [c, 2, 'a black apple'],
  ];
  for (const [pid, , event] of plan) await writers.persist(pid, event as string);
  return { tags, writers, readJournal, ids, written: plan };
}

function carrying(written: readonly Seen[], tags: CaseTags, tag: string): Seen[] {
  return written.filter(([, , event]) => tags.tagsOf(event as string).includes(tag));
}

export const currentByTagCases: ReadJournalGroup = {
  name: 'currentEventsByTag',
  cases: [
    {
      name: 'returns the events carrying the tag, in global order, with their fields, and completes',
      run: async (context) => {
        const { tags, readJournal, written } = await mixed(context);
        for (const word of ['green', 'black', 'apple', 'blue'] as const) {
          const tag = tags.of(word);
          const found = await currentByTag(context, readJournal, tag);
          expect(seen(found), `currentEventsByTag(${tag})`).toEqual(carrying(written, tags, tag));
          for (const envelope of found) expectEnvelopeFields(envelope, readJournal, tags.tagsOf(envelope.event as string));
        }
        expect(seen(await currentByTag(context, readJournal, tags.of('banana') + '-unused')), 'a tag no event carries').toEqual([]);
      },
    },
    {
      name: 'does not return events persisted after the query started',
      run: async (context) => {
        const { tags, writers, readJournal, ids, written } = await mixed(context);
        const green = tags.of('green');
        const read = await readEach(
          `currentEventsByTag(${green}) while persisting more`,
          (signal) => readJournal.currentEventsByTag(green, Offset.start, { signal }),
          (_envelope, i) => writers.persist(ids[i % 3]!, `a green late ${i}`),
          context.deadlineMs,
        );
        expect(seen(read), 'the tagged events stored when the query started').toEqual(carrying(written, tags, green));
      },
    },
    {
      name: 'resuming from an offset returns the events after it (exclusive)',
      run: async (context) => {
        const { tags, readJournal } = await mixed(context);
        const green = tags.of('green');
        const all = await currentByTag(context, readJournal, green);
        expect(all.length, 'the green events').toBe(3);
        for (let i = 0; i < all.length; i++) {
          const after = await currentByTag(context, readJournal, green, all[i]!.offset);
          expect(seen(after), `after the offset of green event ${i + 1}`).toEqual(seen(all.slice(i + 1)));
        }
      },
    },
    {
      name: '150 events of one tag arrive in the order they were persisted',
      run: async (context) => {
        const readJournal = await context.readJournal({ pageSize: 7 });
        const tags = context.tags();
        const writers = context.writers(tags);
        const ids = [context.pid('a'), context.pid('b')] as const;
        const expected: Seen[] = [];
        const next = [1, 1];
        for (let n = 1; n <= 150; n++) {
          const which = n % 3 === 0 ? 1 : 0;
          const pid = ids[which];
          if (n % 4 === 0) {
            // An untagged event between the tagged ones.
            await writers.persist(pid, `a cherry ${n}`);
            next[which]! += 1;
          }
          await writers.persist(pid, `a banana ${n}`);
          expected.push([pid, next[which]!, `a banana ${n}`]);
          next[which]! += 1;
        }
        expect(seen(await currentByTag(context, readJournal, tags.of('banana')))).toEqual(expected);
      },
    },
  ],
};

export const liveByTagCases: ReadJournalGroup = {
  name: 'eventsByTag (live)',
  cases: [
    {
      name: 'returns the stored tagged events, then new ones as they are persisted',
      run: async (context) => {
        const { tags, writers, readJournal, ids, written } = await mixed(context);
        const green = tags.of('green');
        const query = liveByTag(readJournal, green);
        await query.waitFor((items) => items.length >= 3, context.deadlineMs, 'the three stored green events');
        await writers.persist(ids[2], 'a green pear');
        await writers.persist(ids[0], 'a red pear');
        await writers.persist(ids[1], 'a green plum', 'a green fig');
        await query.waitFor((items) => items.length >= 6, context.deadlineMs, 'the three green events persisted later');
        expect(seen(await query.stop(context.deadlineMs))).toEqual([
          ...carrying(written, tags, green),
          [ids[2], 3, 'a green pear'],
          [ids[1], 3, 'a green plum'],
          [ids[1], 4, 'a green fig'],
        ]);
      },
    },
    {
      name: 'resuming from an offset returns the events after it (exclusive), then new ones',
      run: async (context) => {
        const { tags, writers, readJournal, ids, written } = await mixed(context);
        const green = tags.of('green');
        const stored = await currentByTag(context, readJournal, green);
        const query = liveByTag(readJournal, green, stored[0]!.offset);
        await query.waitFor((items) => items.length >= 2, context.deadlineMs, 'the two green events after the first');
        await writers.persist(ids[2], 'a green pear');
        await query.waitFor((items) => items.length >= 3, context.deadlineMs, 'the green event persisted later');
        expect(seen(await query.stop(context.deadlineMs))).toEqual([...carrying(written, tags, green).slice(1), [ids[2], 3, 'a green pear']]);
      },
    },
  ],
};
