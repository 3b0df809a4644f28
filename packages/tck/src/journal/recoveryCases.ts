import { expect } from 'vitest';
import type { Journal, PersistentRepr } from '@engram/core/spi';
import { rejectionOf } from '../support/assertions.js';
import type { JournalCaseContext, JournalGroup } from './JournalCase.js';
import { atomic, expectReplay, expectSameEvent, range, seqNrs, writeFive, writeOk } from './fixtures.js';

/** Events of the long history: more than one page of any store's replay paging we know of. */
const LONG_HISTORY = 5_000;
const EVENTS_PER_WRITE = 250;

type RecoverFn = NonNullable<Journal['replayForRecovery']>;

interface Recovered {
  readonly highest: number;
  readonly events: readonly PersistentRepr[];
}

/** The journal's `replayForRecovery`, or the case ends as skipped. */
function recoverOf(context: JournalCaseContext, journal: Journal = context.journal): RecoverFn {
  const recover = journal.replayForRecovery;
  if (recover === undefined) return context.skip('the journal has no replayForRecovery');
  return recover.bind(journal);
}

async function recovered(recover: RecoverFn, pid: string, from: number, to: number, max: number): Promise<Recovered> {
  const events: PersistentRepr[] = [];
  const highest = await recover(pid, from, to, max, (e) => {
    events.push(e);
  });
  return { highest, events };
}

/** What the engine reads without `replayForRecovery`: the highest, then the events up to it. */
async function twoCalls(journal: Journal, pid: string, from: number, to: number, max: number): Promise<Recovered> {
  const highest = await journal.readHighestSequenceNr(pid, from);
  const events: PersistentRepr[] = [];
  await journal.replayMessages(pid, from, Math.min(to, highest), max, (e) => {
    events.push(e);
  });
  return { highest, events };
}

/**
 * Asserts `replayForRecovery(pid, from, to, max)` gives `expected` and `highest`, and the same
 * events, field by field, as the two calls it stands for.
 */
async function expectRecovery(
  context: JournalCaseContext,
  pid: string,
  [from, to, max]: readonly [number, number, number],
  expected: readonly number[],
  highest: number,
): Promise<void> {
  const what = `replayForRecovery(${pid}, ${from}, ${to}, ${max})`;
  const actual = await recovered(recoverOf(context), pid, from, to, max);
  expect(actual.highest, `${what}: the highest sequence nr`).toBe(highest);
  expect(seqNrs(actual.events), `${what}: the events`).toEqual(expected);
  const reference = await twoCalls(context.journal, pid, from, to, max);
  expect(actual.highest, `${what}: the highest, as readHighestSequenceNr gives it`).toBe(reference.highest);
  expect(seqNrs(actual.events), `${what}: the events, as replayMessages gives them`).toEqual(seqNrs(reference.events));
  reference.events.forEach((e, i) => expectSameEvent(actual.events[i], e, { metadata: context.capabilities.metadata }));
}

/** A fresh id with `count` events, payloads `e-<seq>`, written `EVENTS_PER_WRITE` at a time. */
async function writeLong(context: JournalCaseContext, count: number): Promise<string> {
  const pid = context.pid('long');
  for (let from = 1; from <= count; from += EVENTS_PER_WRITE) {
    const write = atomic(pid, range(from, Math.min(count, from + EVENTS_PER_WRITE - 1)));
    await writeOk(context.journal, { persistenceId: pid, events: write.events.map((e) => ({ ...e, payload: `e-${e.sequenceNr}` })) });
  }
  return pid;
}

/** Asserts `events` are exactly `from..to` in order, with the payloads `writeLong` gave them. */
function expectRun(events: readonly PersistentRepr[], from: number, to: number, what: string): void {
  expect(events.length, `${what}: how many events`).toBe(to - from + 1);
  const outOfPlace = events.findIndex((e, i) => e.sequenceNr !== from + i || e.payload !== `e-${from + i}`);
  expect(outOfPlace, `${what}: index of the first event out of place or with a wrong payload`).toBe(-1);
}

/**
 * The optional `replayForRecovery`, for journals that have it: equivalent to
 * `readHighestSequenceNr` followed by `replayMessages` up to `min(to, highest)`.
 */
export const recoveryCases: JournalGroup = {
  name: 'replayForRecovery (optional)',
  cases: [
    {
      name: 'gives what readHighestSequenceNr and replayMessages give, over from, to and max',
      run: async (context) => {
        recoverOf(context);
        const pid = await writeFive(context);
        const all = [1, 2, 3, 4, 5];
        const bounds: readonly (readonly [readonly [number, number, number], readonly number[]])[] = [
          [[1, Infinity, Infinity], all],
          [[0, Infinity, Infinity], all],
          [[3, Infinity, Infinity], [3, 4, 5]],
          [[1, 3, Infinity], [1, 2, 3]],
          [[1, Infinity, 3], [1, 2, 3]],
          [[2, 5, 2], [2, 3]],
          [[2, 2, Infinity], [2]],
          [[2, 4, 1], [2]],
          [[1, 100, Infinity], all],
          [[5, Infinity, Infinity], [5]],
          [[6, Infinity, Infinity], []],
          [[3, 2, Infinity], []],
        ];
        for (const [args, expected] of bounds) await expectRecovery(context, pid, args, expected, 5);
      },
    },
    {
      name: 'max 0 replays nothing and still gives the highest, also with to 0 (Recovery.none())',
      run: async (context) => {
        recoverOf(context);
        const pid = await writeFive(context);
        await expectRecovery(context, pid, [1, Infinity, 0], [], 5);
        await expectRecovery(context, pid, [1, 0, 0], [], 5);
        await expectRecovery(context, pid, [4, 3, 0], [], 5);
      },
    },
    {
      name: 'after deleteMessagesTo the highest stays and deleted events are not replayed',
      run: async (context) => {
        recoverOf(context);
        const pid = await writeFive(context);
        await context.journal.deleteMessagesTo(pid, 3);
        await expectRecovery(context, pid, [1, Infinity, Infinity], [4, 5], 5);
        await expectRecovery(context, pid, [1, Infinity, 1], [4], 5);
        await expectRecovery(context, pid, [1, 3, Infinity], [], 5);
        await context.journal.deleteMessagesTo(pid, Infinity);
        await expectRecovery(context, pid, [1, Infinity, Infinity], [], 5);
        await writeOk(context.journal, atomic(pid, [6]));
        await expectRecovery(context, pid, [1, Infinity, Infinity], [6], 6);
      },
    },
    {
      name: 'an unknown id gives highest 0 and no events; an id sharing its prefix is not read',
      run: async (context) => {
        recoverOf(context);
        const pid = context.pid('unknown');
        await writeOk(context.journal, atomic(`${pid}0`, [1, 2]));
        await expectRecovery(context, pid, [1, Infinity, Infinity], [], 0);
        await expectRecovery(context, pid, [1, Infinity, 0], [], 0);
        await expectRecovery(context, `${pid}0`, [1, Infinity, Infinity], [1, 2], 2);
      },
    },
    {
      name: 'gaps left by rejected writes: the highest is the last stored, the gap is skipped',
      run: async (context) => {
        recoverOf(context);
        const pid = context.pid('gap');
        await writeOk(context.journal, atomic(pid, [1, 2]));
        await writeOk(context.journal, atomic(pid, [4]));
        await expectRecovery(context, pid, [1, Infinity, Infinity], [1, 2, 4], 4);
        await expectRecovery(context, pid, [3, Infinity, Infinity], [4], 4);
        await expectRecovery(context, pid, [1, Infinity, 2], [1, 2], 4);
      },
    },
    {
      name: 'an exception thrown from onEvent rejects with it and ends the replay; the journal goes on working',
      run: async (context) => {
        const recover = recoverOf(context);
        const pid = await writeFive(context);
        const thrown = new Error('thrown by onEvent at seq 2');
        const delivered: number[] = [];
        const rejection = await rejectionOf(
          recover(pid, 1, Infinity, Infinity, (e) => {
            delivered.push(e.sequenceNr);
            if (e.sequenceNr === 2) throw thrown;
          }),
          'a recovery whose onEvent throws',
        );
        const cause = (rejection as { cause?: unknown } | undefined)?.cause;
        expect(rejection === thrown || cause === thrown, 'rejects with the thrown error (or with it as cause)').toBe(true);
        expect(delivered, 'no event is delivered after the throw').toEqual([1, 2]);
        await expectRecovery(context, pid, [1, Infinity, Infinity], [1, 2, 3, 4, 5], 5);
        await writeOk(context.journal, atomic(pid, [6]));
        await expectReplay(context.journal, pid, [1, 2, 3, 4, 5, 6]);
      },
    },
    {
      name: `a long history (${LONG_HISTORY} events) arrives complete and in order, bounded by to, max and deletes`,
      run: async (context) => {
        const recover = recoverOf(context);
        const pid = await writeLong(context, LONG_HISTORY);
        const all = await recovered(recover, pid, 1, Infinity, Infinity);
        expect(all.highest, 'the highest').toBe(LONG_HISTORY);
        expectRun(all.events, 1, LONG_HISTORY, 'R(1, ∞, ∞)');
        const cases: readonly (readonly [number, number, number, number, number])[] = [
          // from, to, max, then the first and last event expected
          [1, Infinity, 4_500, 1, 4_500],
          [2_001, Infinity, Infinity, 2_001, LONG_HISTORY],
          [1_000, 4_000, Infinity, 1_000, 4_000],
          [1, Infinity, 2_000, 1, 2_000],
          [1, Infinity, 2_001, 1, 2_001],
          [1_500, 4_999, 3_000, 1_500, 4_499],
        ];
        for (const [from, to, max, first, last] of cases) {
          const part = await recovered(recover, pid, from, to, max);
          expect(part.highest, `R(${from}, ${to}, ${max}): the highest`).toBe(LONG_HISTORY);
          expectRun(part.events, first, last, `R(${from}, ${to}, ${max})`);
        }
        await context.journal.deleteMessagesTo(pid, 1_000);
        const rest = await recovered(recover, pid, 1, Infinity, Infinity);
        expect(rest.highest, 'the highest after deleting to 1000').toBe(LONG_HISTORY);
        expectRun(rest.events, 1_001, LONG_HISTORY, 'R(1, ∞, ∞) after deleting to 1000');
      },
    },
    {
      name: 'an exception thrown from onEvent deep into a long history rejects with it; nothing is delivered after it',
      run: async (context) => {
        const recover = recoverOf(context);
        const pid = await writeLong(context, LONG_HISTORY);
        const thrown = new Error('thrown by onEvent at seq 3100');
        let delivered = 0;
        let last = 0;
        const rejection = await rejectionOf(
          recover(pid, 1, Infinity, Infinity, (e) => {
            delivered++;
            last = e.sequenceNr;
            if (e.sequenceNr === 3_100) throw thrown;
          }),
          'a long recovery whose onEvent throws',
        );
        const cause = (rejection as { cause?: unknown } | undefined)?.cause;
        expect(rejection === thrown || cause === thrown, 'rejects with the thrown error (or with it as cause)').toBe(true);
        expect({ delivered, last }, 'events delivered, up to the one that threw').toEqual({ delivered: 3_100, last: 3_100 });
        const again = await recovered(recover, pid, 3_000, Infinity, Infinity);
        expectRun(again.events, 3_000, LONG_HISTORY, 'R(3000, ∞, ∞) after the throw');
      },
    },
  ],
};
