import { expect } from 'vitest';
import { LiveCollector, drain } from './LiveCollector.js';
import type { ReadJournalGroup } from './ReadJournalCase.js';

/** The ids that came more than once, in the order of their second appearance. */
function repeated(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
}

function describeIds(ids: readonly string[]): string {
  return (ids.length > 12 ? '..., ' : '') + ids.slice(-12).join(', ');
}

export const persistenceIdsCases: ReadJournalGroup = {
  name: 'currentPersistenceIds / persistenceIds',
  cases: [
    {
      name: 'currentPersistenceIds lists every id once, also one with 100 events and more ids than a page holds, and completes',
      run: async (context) => {
        const readJournal = await context.readJournal({ pageSize: 10 });
        const writers = context.writers(context.tags());
        const [many, three] = [context.pid('many'), context.pid('three')];
        await writers.persistMany(many, 100, (n) => `a green apple ${n}`, 7);
        for (const n of [1, 2, 3]) await writers.persist(three, `a black car ${n}`);
        // More ids than a page holds, also in a store that has no others.
        const ones = Array.from({ length: 23 }, (_, i) => context.pid(`one-${i}`));
        for (const pid of ones) await writers.persist(pid, 'a blue sky');
        const ids = await drain('currentPersistenceIds', (signal) => readJournal.currentPersistenceIds({ signal }), context.deadlineMs, { describe: describeIds });
        expect(repeated(ids), 'ids listed more than once').toEqual([]);
        const mine = new Set([many, three, ...ones]);
        expect(ids.filter((id) => mine.has(id)).sort(), "the case's ids").toEqual([...mine].sort());
      },
    },
    {
      name: 'persistenceIds (live) lists the stored ids once, then ids created later, each once',
      run: async (context) => {
        const readJournal = await context.readJournal({ pageSize: 10 });
        const writers = context.writers(context.tags());
        const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((label) => context.pid(label)) as [string, string, string, string, string];
        await writers.persistMany(a, 30, (n) => `a green apple ${n}`, 4);
        await writers.persist(b, 'a blue sky');
        const query = LiveCollector.start('persistenceIds', (signal) => readJournal.persistenceIds({ signal }), { describe: describeIds });
        // Checked after every id of a store shared with other suites: look at each id once.
        const listed = new Set<string>();
        let scanned = 0;
        const has =
          (...wanted: string[]) =>
          (ids: readonly string[]) => {
            for (; scanned < ids.length; scanned++) listed.add(ids[scanned]!);
            return wanted.every((id) => listed.has(id));
          };
        await query.waitFor(has(a, b), context.deadlineMs, `the stored ids ${a} and ${b}`);
        await writers.persist(a, 'a green leaf');
        await writers.persist(c, 'a black car');
        await writers.persist(d, 'a green banana');
        await writers.persist(c, 'a black cat');
        await query.waitFor(has(c, d), context.deadlineMs, `the ids created later, ${c} and ${d}`);
        await writers.persist(b, 'a blue whale');
        await writers.persist(e, 'a last one');
        await query.waitFor(has(e), context.deadlineMs, `the id created last, ${e}`);
        const ids = await query.stop(context.deadlineMs);
        expect(repeated(ids), 'ids listed more than once').toEqual([]);
        const mine = new Set([a, b, c, d, e]);
        expect(ids.filter((id) => mine.has(id)).sort(), "the case's ids").toEqual([...mine].sort());
        expect(ids.indexOf(c) < ids.indexOf(d) && ids.indexOf(d) < ids.indexOf(e), 'ids created later come in the order they first persisted').toBe(true);
      },
    },
  ],
};
