import { expect } from 'vitest';
import type { Journal } from '@engram/core/spi';
import { expectErrorNamed } from '../support/assertions.js';
import type { JournalCaseContext, JournalGroup } from './JournalCase.js';
import { WRITER_B, atomic, expectHighest, expectReplay, writeFive, writeOk } from './fixtures.js';

/**
 * 1..3 are written and deleted through `live`; then `stale` (a writer that recovered before the
 * delete) writes seq 2 and seq 3 again. The unique key alone cannot refuse them (those rows are
 * gone): the journal must remember the highest sequence nr and accept only writes above it.
 */
async function deletedSequenceNrsStayTaken(context: JournalCaseContext, live: Journal, stale: Journal): Promise<void> {
  const pid = context.pid('deleted');
  await writeOk(live, atomic(pid, [1, 2, 3]));
  await live.deleteMessagesTo(pid, 3);
  for (const seq of [2, 3]) {
    const [result] = await stale.writeMessages([atomic(pid, [seq], { writerUuid: WRITER_B, payload: `stale-${seq}` })]);
    expectErrorNamed(result, 'SequenceConflict', `a write of the deleted seq ${seq}`);
    expect((result as { persistenceId?: unknown }).persistenceId, 'SequenceConflict names the id').toBe(pid);
    await expectReplay(live, pid, []);
    await expectHighest(live, pid, 3);
  }
  await writeOk(live, atomic(pid, [4]));
  await expectReplay(stale, pid, [4]);
  await expectHighest(stale, pid, 4);
}

export const deleteCases: JournalGroup = {
  name: 'deletes',
  cases: [
    {
      name: 'deleting beyond the highest deletes all and keeps the highest; the next write is highest + 1',
      run: async (context) => {
        const pid = await writeFive(context);
        await context.journal.deleteMessagesTo(pid, 100);
        await expectReplay(context.journal, pid, []);
        await expectHighest(context.journal, pid, 5);
        await writeOk(context.journal, atomic(pid, [6]));
        await expectReplay(context.journal, pid, [6]);
      },
    },
    {
      name: 'delete, then read the highest, then write highest + 1: the new event replays after the kept ones',
      run: async (context) => {
        const { journal } = context;
        const pid = await writeFive(context);
        await journal.deleteMessagesTo(pid, 3);
        const highest = await journal.readHighestSequenceNr(pid, 0);
        await writeOk(journal, atomic(pid, [highest + 1, highest + 2]));
        await expectReplay(journal, pid, [4, 5, 6, 7]);
        await expectHighest(journal, pid, 7);
      },
    },
    {
      name: '20. a deleted sequence nr cannot be written again: SequenceConflict, nothing stored; the next seq is accepted',
      run: async (context) => deletedSequenceNrsStayTaken(context, context.journal, context.journal),
    },
    {
      name: '20. sharedStorage: a stale instance cannot write a sequence nr another instance deleted',
      requires: (capabilities) => capabilities.sharedStorage,
      run: async (context) => deletedSequenceNrsStayTaken(context, await context.open(), await context.open()),
    },
    {
      name: 'deleting to 0 deletes nothing; a later lower delete restores nothing',
      run: async (context) => {
        const pid = await writeFive(context);
        await context.journal.deleteMessagesTo(pid, 0);
        await expectReplay(context.journal, pid, [1, 2, 3, 4, 5]);
        await context.journal.deleteMessagesTo(pid, 3);
        await context.journal.deleteMessagesTo(pid, 1);
        await expectReplay(context.journal, pid, [4, 5]);
      },
    },
    {
      name: 'deleting the events of an unknown id is harmless: highest 0, its first write is seq 1',
      run: async (context) => {
        const pid = context.pid('unknown');
        await context.journal.deleteMessagesTo(pid, Infinity);
        await expectHighest(context.journal, pid, 0);
        await writeOk(context.journal, atomic(pid, [1]));
        await expectReplay(context.journal, pid, [1]);
      },
    },
    {
      name: 'a delete touches only its own id, also one that shares its prefix',
      run: async (context) => {
        const pid = context.pid('x');
        const longer = `${pid}0`;
        await writeOk(context.journal, atomic(pid, [1, 2]), atomic(longer, [1, 2]));
        await context.journal.deleteMessagesTo(pid, Infinity);
        await expectReplay(context.journal, pid, []);
        await expectReplay(context.journal, longer, [1, 2]);
        await expectHighest(context.journal, longer, 2);
      },
    },
  ],
};
