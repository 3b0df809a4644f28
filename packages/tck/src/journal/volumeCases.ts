import { expect } from 'vitest';
import type { AtomicWrite } from '@engram/core/spi';
import { expectSamePayload } from '../support/assertions.js';
import type { JournalGroup } from './JournalCase.js';
import { atomic, expectHighest, range, replay, seqNrs, writeOk } from './fixtures.js';

const MANY_EVENTS = 10_000;
const EVENTS_PER_WRITE = 100;

export const volumeCases: JournalGroup = {
  name: 'volume',
  cases: [
    {
      name: 'one call with 100 AtomicWrites for 100 ids lands all of them',
      run: async (context) => {
        const prefix = context.prefix();
        const writes: AtomicWrite[] = range(1, 100).map((i) =>
          atomic(`${prefix}${i}`, range(1, (i % 3) + 1), { payload: `of ${i}` }),
        );
        await writeOk(context.journal, ...writes);
        for (const [index, write] of writes.entries()) {
          const replayed = await replay(context.journal, write.persistenceId);
          expect(seqNrs(replayed), `replay of id ${index + 1}`).toEqual(range(1, write.events.length));
          for (const e of replayed) expectSamePayload(e.payload, `of ${index + 1}`, `event of id ${index + 1}`);
          await expectHighest(context.journal, write.persistenceId, write.events.length);
        }
      },
    },
    {
      name: `a replay of ${MANY_EVENTS} events arrives complete and in order`,
      run: async (context) => {
        const { journal } = context;
        const pid = context.pid('long');
        for (let from = 1; from <= MANY_EVENTS; from += EVENTS_PER_WRITE) {
          const write = atomic(pid, range(from, from + EVENTS_PER_WRITE - 1));
          await writeOk(journal, {
            persistenceId: pid,
            events: write.events.map((e) => ({ ...e, payload: `e-${e.sequenceNr}` })),
          });
        }
        const all = await replay(journal, pid);
        expect(all.length).toBe(MANY_EVENTS);
        let outOfPlace = all.findIndex((e, i) => e.sequenceNr !== i + 1 || e.payload !== `e-${i + 1}`);
        expect(outOfPlace, 'index of the first event out of place or with a wrong payload').toBe(-1);

        const middle = await replay(journal, pid, 4001, 6000, 1500);
        expect(middle.length).toBe(1500);
        outOfPlace = middle.findIndex((e, i) => e.sequenceNr !== 4001 + i);
        expect(outOfPlace, 'R(4001, 6000, 1500): index of the first event out of place').toBe(-1);

        await journal.deleteMessagesTo(pid, 5000);
        const rest = await replay(journal, pid);
        expect(rest.length).toBe(MANY_EVENTS - 5000);
        expect(rest[0]?.sequenceNr).toBe(5001);
        expect(rest.at(-1)?.sequenceNr).toBe(MANY_EVENTS);
        await expectHighest(journal, pid, MANY_EVENTS);
      },
    },
  ],
};
