import { expect } from 'vitest';
import type { Journal } from '@engram/core/spi';
import { expectErrorNamed, expectSamePayload } from '../support/assertions.js';
import { awkwardIds } from '../support/ids.js';
import type { JournalCaseContext, JournalGroup } from './JournalCase.js';
import { atomic, expectHighest, expectReplay, replay, seqNrs, writeOk } from './fixtures.js';

/** Writes 1 and (2, 3) for `pid`, each payload naming the id, and checks replay, highest and delete. */
async function roundTripId(journal: Journal, pid: string): Promise<void> {
  await writeOk(journal, atomic(pid, [1], { payload: `1 of ${pid}` }));
  await writeOk(journal, {
    persistenceId: pid,
    events: [2, 3].map((seq) => ({ ...atomic(pid, [seq]).events[0]!, payload: `${seq} of ${pid}` })),
  });
  const replayed = await replay(journal, pid);
  expect(seqNrs(replayed), `replay of ${JSON.stringify(pid)}`).toEqual([1, 2, 3]);
  for (const e of replayed) {
    expect(e.persistenceId, 'the id comes back unchanged').toBe(pid);
    expectSamePayload(e.payload, `${e.sequenceNr} of ${pid}`, `event ${e.sequenceNr} of ${JSON.stringify(pid)}`);
  }
  await expectHighest(journal, pid, 3);
}

function fiveHundredCharacterId(context: JournalCaseContext): string {
  const prefix = context.prefix();
  return prefix + 'x'.repeat(500 - prefix.length - 1) + 'y';
}

export const persistenceIdCases: JournalGroup = {
  name: 'persistenceIds',
  cases: [
    {
      name: 'an empty persistenceId is rejected per write with InvalidPersistenceId; the other writes land',
      run: async (context) => {
        const pid = context.pid();
        const results = await context.journal.writeMessages([atomic('', [1]), atomic(pid, [1])]);
        expect(results).toHaveLength(2);
        expectErrorNamed(results[0], 'InvalidPersistenceId', 'the write with an empty persistenceId');
        expect(results[1], 'the other write of the call').toBeUndefined();
        await expectReplay(context.journal, pid, [1]);
      },
    },
    {
      name: 'ids with unicode, quotes, backslashes, %, _, spaces and control characters round-trip',
      run: async (context) => {
        const ids = awkwardIds(context.prefix());
        for (const pid of ids) await roundTripId(context.journal, pid);
        // Each id saw only its own events, also after the others were written.
        for (const pid of ids) {
          for (const e of await replay(context.journal, pid)) expect(e.persistenceId).toBe(pid);
        }
        await context.journal.deleteMessagesTo(ids[0]!, 2);
        await expectReplay(context.journal, ids[0]!, [3]);
        for (const pid of ids.slice(1)) await expectReplay(context.journal, pid, [1, 2, 3]);
      },
    },
    {
      name: 'a 500-character id round-trips and is not confused with its prefixes',
      run: async (context) => {
        const pid = fiveHundredCharacterId(context);
        expect(pid).toHaveLength(500);
        await roundTripId(context.journal, pid);
        const truncated = pid.slice(0, 255);
        await expectReplay(context.journal, truncated, []);
        await expectHighest(context.journal, truncated, 0);
      },
    },
    {
      name: 'ids are matched exactly: a_1 and a%1 see nothing of ab1, nor AB1 or "ab1 " of it',
      run: async (context) => {
        const { journal } = context;
        const prefix = context.prefix();
        const target = `${prefix}ab1`;
        await writeOk(journal, atomic(target, [1, 2, 3], { payload: 'of ab1' }));
        await writeOk(journal, atomic(`${prefix}a_1`, [1], { payload: 'of a_1' }));

        const underscore = await replay(journal, `${prefix}a_1`);
        expect(seqNrs(underscore)).toEqual([1]);
        expectSamePayload(underscore[0]?.payload, 'of a_1', 'a_1 replays its own event only');
        await expectHighest(journal, `${prefix}a_1`, 1);
        for (const other of [`${prefix}a%1`, `${prefix}AB1`, `${prefix}ab1 `, `${prefix}a%`, `${prefix}%`]) {
          await expectReplay(journal, other, []);
          await expectHighest(journal, other, 0);
        }

        // Deleting through a look-alike id must not touch ab1.
        for (const other of [`${prefix}a_1`, `${prefix}a%1`, `${prefix}%`, `${prefix}AB1`]) {
          await journal.deleteMessagesTo(other, Infinity);
        }
        await expectReplay(journal, target, [1, 2, 3]);
        await expectHighest(journal, target, 3);
        // ...and writing seq 1 of a look-alike id is no conflict with ab1.
        await writeOk(journal, atomic(`${prefix}a%1`, [1]), atomic(`${prefix}AB1`, [1]));
      },
    },
  ],
};
