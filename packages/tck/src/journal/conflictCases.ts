import { expect } from 'vitest';
import type { Journal } from '@engram/core/spi';
import { expectErrorNamed } from '../support/assertions.js';
import type { JournalCaseContext, JournalGroup } from './JournalCase.js';
import { WRITER_A, WRITER_B, atomic, event, expectHighest, expectReplay, expectSameEvent, replay, writeOk } from './fixtures.js';

/**
 * Writer A owns 1..3; writer B, on `second`, writes (3, 4) next to a write for another id. B gets
 * SequenceConflict for its write only, the other write lands, and A's events stay as they were.
 */
async function secondWriterConflicts(context: JournalCaseContext, first: Journal, second: Journal): Promise<void> {
  const pid = context.pid('contested');
  const other = context.pid('bystander');
  const byA = [1, 2, 3].map((seq) => event(pid, seq, { writerUuid: WRITER_A, payload: `A-${seq}` }));
  await writeOk(first, { persistenceId: pid, events: byA });

  const results = await second.writeMessages([
    atomic(pid, [3, 4], { writerUuid: WRITER_B, payload: 'B' }),
    atomic(other, [1], { writerUuid: WRITER_B }),
  ]);
  expect(results).toHaveLength(2);
  expectErrorNamed(results[0], 'SequenceConflict', 'the second writer of seq 3');
  expect((results[0] as { persistenceId?: unknown }).persistenceId, 'SequenceConflict names the id').toBe(pid);
  expect(results[1], 'the other write of the same call').toBeUndefined();

  for (const journal of [first, second]) {
    const replayed = await replay(journal, pid);
    expect(replayed.map((e) => e.sequenceNr), 'seq 4 of the conflicting write was not stored').toEqual([1, 2, 3]);
    byA.forEach((e, i) => expectSameEvent(replayed[i], e, { metadata: false }));
    await expectHighest(journal, pid, 3);
    await expectReplay(journal, other, [1]);
  }
}

/** Two writers race for seq 3 of one id: exactly one wins, the other gets SequenceConflict. */
async function concurrentWritersRace(context: JournalCaseContext, first: Journal, second: Journal): Promise<void> {
  const pid = context.pid('raced');
  await writeOk(first, atomic(pid, [1, 2]));
  const [a, b] = await Promise.all([
    first.writeMessages([atomic(pid, [3, 4], { writerUuid: WRITER_A })]),
    second.writeMessages([atomic(pid, [3, 4], { writerUuid: WRITER_B })]),
  ]);
  const outcomes = [a[0], b[0]];
  const winners = outcomes.filter((r) => r === undefined).length;
  expect(winners, `exactly one writer wins (outcomes: ${outcomes.map(String).join(' / ')})`).toBe(1);
  const loser = outcomes.find((r) => r !== undefined);
  expectErrorNamed(loser, 'SequenceConflict', 'the losing writer');
  const replayed = await replay(first, pid);
  expect(replayed.map((e) => e.sequenceNr)).toEqual([1, 2, 3, 4]);
  const winner = a[0] === undefined ? WRITER_A : WRITER_B;
  expect(replayed.slice(2).map((e) => e.writerUuid), 'both events come from the winner').toEqual([winner, winner]);
}

/**
 * Case 21. Writer B owns 1..2; stale writer A, on `second`, sends one call with seq 2 then seq 3.
 * Both get SequenceConflict: storing seq 3 would put A's event after B's.
 */
async function staleWriterLaterWriteRefused(context: JournalCaseContext, first: Journal, second: Journal): Promise<void> {
  const pid = context.pid('stale');
  const byB = [1, 2].map((seq) => event(pid, seq, { writerUuid: WRITER_B, payload: `B-${seq}` }));
  await writeOk(first, { persistenceId: pid, events: byB });

  const results = await second.writeMessages([
    atomic(pid, [2], { writerUuid: WRITER_A, payload: 'A' }),
    atomic(pid, [3], { writerUuid: WRITER_A, payload: 'A' }),
  ]);
  expect(results).toHaveLength(2);
  expectErrorNamed(results[0], 'SequenceConflict', 'the stale writer of seq 2');
  expectErrorNamed(results[1], 'SequenceConflict', 'the stale writer’s seq 3 after its refused seq 2');

  for (const journal of [first, second]) {
    const replayed = await replay(journal, pid);
    expect(replayed.map((e) => `${e.writerUuid === WRITER_B ? 'B' : 'A'}-${e.sequenceNr}`), 'only B’s events').toEqual(['B-1', 'B-2']);
    byB.forEach((e, i) => expectSameEvent(replayed[i], e, { metadata: false }));
    await expectHighest(journal, pid, 2);
  }
}

export const conflictCases: JournalGroup = {
  name: 'second writers',
  cases: [
    {
      name: 'a second writer of an existing (id, seq) gets SequenceConflict, its call lands the rest, the first writer’s events stay',
      run: async (context) => secondWriterConflicts(context, context.journal, context.journal),
    },
    {
      name: 'two writers racing for the same seq: exactly one wins',
      run: async (context) => concurrentWritersRace(context, context.journal, context.journal),
    },
    {
      name: 'two AtomicWrites for one id in one call land in order; a repeat of a seq in the same call conflicts',
      run: async (context) => {
        const pid = context.pid();
        await writeOk(context.journal, atomic(pid, [1, 2]), atomic(pid, [3]));
        const results = await context.journal.writeMessages([atomic(pid, [4]), atomic(pid, [4], { writerUuid: WRITER_B })]);
        expect(results[0]).toBeUndefined();
        expectErrorNamed(results[1], 'SequenceConflict', 'the repeated seq 4');
        const replayed = await replay(context.journal, pid);
        expect(replayed.map((e) => e.sequenceNr)).toEqual([1, 2, 3, 4]);
        expect(replayed[3]?.writerUuid).toBe(WRITER_A);
      },
    },
    {
      name: '22. a seq repeated in one call conflicts, and so does every later write of that id in the call',
      run: async (context) => {
        const pid = context.pid();
        await writeOk(context.journal, atomic(pid, [1, 2, 3]));
        const results = await context.journal.writeMessages([
          atomic(pid, [4]),
          atomic(pid, [4], { writerUuid: WRITER_B }),
          atomic(pid, [5], { writerUuid: WRITER_B }),
        ]);
        expect(results).toHaveLength(3);
        expect(results[0]).toBeUndefined();
        expectErrorNamed(results[1], 'SequenceConflict', 'the repeated seq 4');
        expectErrorNamed(results[2], 'SequenceConflict', 'seq 5 after the refused repeat of seq 4');
        const replayed = await replay(context.journal, pid);
        expect(replayed.map((e) => e.sequenceNr)).toEqual([1, 2, 3, 4]);
        expect(replayed.every((e) => e.writerUuid === WRITER_A), 'no event of the second writer').toBe(true);
        await expectHighest(context.journal, pid, 4);
      },
    },
    {
      name: '21. after a SequenceConflict, the later writes of that id in the same call conflict too and are not stored',
      run: async (context) => staleWriterLaterWriteRefused(context, context.journal, context.journal),
    },
    {
      name: 'sharedStorage: a second instance sees the events and highest of the first',
      requires: (capabilities) => capabilities.sharedStorage,
      run: async (context) => {
        const first = await context.open();
        const second = await context.open();
        const pid = context.pid();
        await writeOk(first, atomic(pid, [1, 2, 3]));
        await expectReplay(second, pid, [1, 2, 3]);
        await expectHighest(second, pid, 3);
        await second.deleteMessagesTo(pid, 2);
        await expectReplay(first, pid, [3]);
        await expectHighest(first, pid, 3);
      },
    },
    {
      name: 'sharedStorage: a second writer on another instance gets SequenceConflict, the rest of its call lands',
      requires: (capabilities) => capabilities.sharedStorage,
      run: async (context) => secondWriterConflicts(context, await context.open(), await context.open()),
    },
    {
      name: 'sharedStorage: two instances racing for the same seq: exactly one wins',
      requires: (capabilities) => capabilities.sharedStorage,
      run: async (context) => concurrentWritersRace(context, await context.open(), await context.open()),
    },
    {
      name: '21. sharedStorage: a stale instance’s later write of an id, after its refused one in the same call, is not stored',
      requires: (capabilities) => capabilities.sharedStorage,
      run: async (context) => staleWriterLaterWriteRefused(context, await context.open(), await context.open()),
    },
  ],
};
