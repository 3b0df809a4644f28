import { expect } from 'vitest';
import type { EventEnvelope } from '@engram/core';
import { within } from './DeadlineExceeded.js';
import { offsetNow } from './envelopes.js';
import type { ReadJournalGroup } from './ReadJournalCase.js';

const PAGE = 10;
const EVENTS = 10_000;
/** A reader may fetch the next page while its consumer works through the current one. */
const ALLOWED_AHEAD = 2 * PAGE;

export const backPressureCases: ReadJournalGroup = {
  name: 'back-pressure',
  cases: [
    {
      name: `a consumer that stops pulling makes the reader read at most about one page ahead (pageSize ${PAGE}, ${EVENTS} events)`,
      run: async (context) => {
        const readJournal = await context.readJournal({ pageSize: PAGE });
        const tags = context.tags();
        const writers = context.writers(tags);
        const pid = context.pid('many');
        const before = await offsetNow(readJournal, writers, context.pid('marker'), context.deadlineMs);
        await writers.persistMany(pid, EVENTS, (n) => `a black stone ${n}`);
        // The reader has read ahead what it returns after the events are deleted: every later page
        // comes from the store, which no longer has them.
        const queries = [
          ['currentEventsByPersistenceId', readJournal.currentEventsByPersistenceId(pid)],
          ['eventsByPersistenceId', readJournal.eventsByPersistenceId(pid)],
          ['currentEventsByTag', readJournal.currentEventsByTag(tags.of('black'))],
          ['eventsByTag', readJournal.eventsByTag(tags.of('black'))],
          ['allEvents', readJournal.allEvents(before)],
        ] as const;
        const iterators = queries.map(([name, query]) => [name, query[Symbol.asyncIterator]()] as const);
        const next = (name: string, iterator: AsyncIterator<EventEnvelope>) => within(iterator.next(), context.deadlineMs, `${name}: reading the next event`);
        for (const [name, iterator] of iterators) {
          for (let n = 1; n <= PAGE; n++) {
            const result = await next(name, iterator);
            expect(result.done !== true && result.value.sequenceNr === n && result.value.persistenceId === pid, `${name}: event ${n} of ${pid}`).toBe(true);
          }
        }
        await context.journal.deleteMessagesTo(pid, EVENTS);
        await writers.persist(pid, 'a black stone after');
        for (const [name, iterator] of iterators) {
          let ahead = 0;
          for (;;) {
            const result = await next(name, iterator);
            if (result.done === true || result.value.sequenceNr > EVENTS) break;
            ahead++;
            if (ahead > ALLOWED_AHEAD) break;
          }
          await within(Promise.resolve(iterator.return?.()), context.deadlineMs, `${name}: ending the query`);
          expect(
            ahead,
            `${name}: after its consumer took ${PAGE} events, the reader had already read ${ahead > ALLOWED_AHEAD ? 'more than ' : ''}${ahead} of the ` +
              `${EVENTS - PAGE} that were deleted meanwhile; pageSize ${PAGE} allows ${ALLOWED_AHEAD} (is settings.pageSize passed to the read journal?)`,
          ).toBeLessThanOrEqual(ALLOWED_AHEAD);
        }
      },
    },
    {
      name: `breaking out of for await after ${PAGE} of ${EVENTS} events ends the query`,
      run: async (context) => {
        const readJournal = await context.readJournal({ pageSize: PAGE });
        const tags = context.tags();
        const writers = context.writers(tags);
        const pid = context.pid('many');
        await writers.persistMany(pid, EVENTS, (n) => `a blue stone ${n}`);
        for (const [name, query] of [
          ['currentEventsByTag', readJournal.currentEventsByTag(tags.of('blue'))],
          ['eventsByPersistenceId', readJournal.eventsByPersistenceId(pid)],
        ] as const) {
          const iterator = query[Symbol.asyncIterator]();
          const taken: number[] = [];
          await within(
            (async () => {
              for await (const envelope of { [Symbol.asyncIterator]: () => iterator }) {
                taken.push(envelope.sequenceNr);
                if (taken.length === PAGE) break;
              }
            })(),
            context.deadlineMs,
            `${name}: taking ${PAGE} events and breaking out`,
          );
          expect(taken, `${name}: the first ${PAGE}`).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
          const after = await within(iterator.next(), context.deadlineMs, `${name}: reading after the break`);
          expect(after.done, `${name}: the query ended with the break`).toBe(true);
        }
      },
    },
  ],
};
