import { expect } from 'vitest';
import { asciiText } from '../support/payloads.js';
import { expectErrorNamed } from '../support/assertions.js';
import type { JournalCase, JournalGroup } from './JournalCase.js';
import {
  WRITER_A,
  atomic,
  event,
  expectHighest,
  expectReplay,
  expectSameEvent,
  range,
  replay,
  seqNrs,
  writeFive,
  writeOk,
} from './fixtures.js';

/** A replay case of TCK.md: R(from, to, max) on the five-event setup. */
function replayCase(
  name: string,
  from: number,
  to: number,
  max: number,
  expected: readonly number[],
): JournalCase {
  return {
    name,
    run: async (context) => {
      const pid = await writeFive(context);
      expect(seqNrs(await replay(context.journal, pid, from, to, max))).toEqual(expected);
      await expectHighest(context.journal, pid, 5);
    },
  };
}

/**
 * The journal cases of Akka's and Akka.NET's TCKs (TCK.md, journal 1-19; case 20, a deleted
 * sequence nr stays taken, is in `deleteCases` beside its shared-storage variant).
 */
export const akkaJournalCases: JournalGroup = {
  name: 'Akka TCK cases',
  cases: [
    replayCase('1. replays all events: R(1,∞,∞) gives 1..5, highest 5', 1, Infinity, Infinity, [1, 2, 3, 4, 5]),
    replayCase('2. replays from a sequence nr: R(3,∞,∞) gives 3,4,5', 3, Infinity, Infinity, [3, 4, 5]),
    replayCase('3. replays up to a sequence nr: R(1,3,∞) gives 1,2,3', 1, 3, Infinity, [1, 2, 3]),
    replayCase('4. replays at most max events: R(1,∞,3) gives 1,2,3', 1, Infinity, 3, [1, 2, 3]),
    replayCase('5. replays a range: R(2,3,∞) gives 2,3', 2, 3, Infinity, [2, 3]),
    replayCase('6. range and max, max limiting: R(2,5,2) gives 2,3', 2, 5, 2, [2, 3]),
    replayCase('7. a single event: R(2,2,∞) gives 2', 2, 2, Infinity, [2]),
    replayCase('8. range and max, max 1: R(2,4,1) gives 2', 2, 4, 1, [2]),
    replayCase('9. max 0 replays nothing: R(2,4,0)', 2, 4, 0, []),
    replayCase('10. from above to replays nothing: R(3,2,∞)', 3, 2, Infinity, []),
    {
      name: '11. an unknown persistenceId replays nothing and has highest 0',
      run: async (context) => {
        const pid = context.pid('never-written');
        expect(await replay(context.journal, pid)).toEqual([]);
        await expectHighest(context.journal, pid, 0);
      },
    },
    {
      name: '12. the highest sequence nr can be read without replaying anything',
      run: async (context) => {
        const pid = await writeFive(context);
        expect(await context.journal.readHighestSequenceNr(pid, 0)).toBe(5);
        // fromSequenceNr is only a hint: a higher one must not hide the answer.
        expect(await context.journal.readHighestSequenceNr(pid, 3)).toBe(5);
      },
    },
    {
      name: '13. deleteMessagesTo(3) leaves 4, 5 to replay',
      run: async (context) => {
        const pid = await writeFive(context);
        await context.journal.deleteMessagesTo(pid, 3);
        await expectReplay(context.journal, pid, [4, 5]);
      },
    },
    {
      name: '14. after deleteMessagesTo(3) the highest sequence nr is still 5',
      run: async (context) => {
        const pid = await writeFive(context);
        await context.journal.deleteMessagesTo(pid, 3);
        await expectHighest(context.journal, pid, 5);
      },
    },
    {
      name: '15. deleting all (to ∞) replays nothing, keeps highest 5, and the next write is seq 6',
      run: async (context) => {
        const pid = await writeFive(context);
        await context.journal.deleteMessagesTo(pid, Infinity);
        await expectReplay(context.journal, pid, []);
        await expectHighest(context.journal, pid, 5);
        await writeOk(context.journal, atomic(pid, [6]));
        await expectReplay(context.journal, pid, [6]);
        await expectHighest(context.journal, pid, 6);
      },
    },
    {
      // The engine does not reuse a rejected write's sequence nrs, so the next write starts after a
      // gap: the store must accept it, and never let the gap be filled afterwards.
      name: '16. in a batch [6 ok, 7 too large, 8 ok] 7 is rejected and 6 and 8 land; 7 stays a gap that cannot be filled',
      run: async (context) => {
        const { journal, capabilities } = context;
        const pid = await writeFive(context);
        const tooLarge = asciiText(capabilities.maxPayloadBytes + 1);
        const results = await journal.writeMessages([
          atomic(pid, [6]),
          atomic(pid, [7], { payload: tooLarge }),
          atomic(pid, [8]),
        ]);
        expect(results).toHaveLength(3);
        expect(results[0], 'seq 6 is stored').toBeUndefined();
        expectErrorNamed(results[1], 'PayloadTooLarge', 'seq 7 is rejected, not failed');
        expect(results[2], 'seq 8 is stored').toBeUndefined();
        await expectReplay(journal, pid, [1, 2, 3, 4, 5, 6, 8]);
        await expectHighest(journal, pid, 8);
        const [late] = await journal.writeMessages([atomic(pid, [7])]);
        expectErrorNamed(late, 'SequenceConflict', 'a later write of the skipped seq 7');
        await expectReplay(journal, pid, [1, 2, 3, 4, 5, 6, 8]);
      },
    },
    {
      name: '17. payloads round-trip with their serializer id and manifest, text and binary',
      run: async (context) => {
        const pid = context.pid();
        const written = [
          event(pid, 1, { serializerId: 42, manifest: 'Deposited@v2', payload: '{"amount":100,"currency":"EUR"}' }),
          event(pid, 2, { serializerId: 7, manifest: 'Withdrawn', payload: Uint8Array.of(0, 1, 2, 253, 254, 255) }),
          event(pid, 3, { serializerId: 0, manifest: '', payload: '' }),
          event(pid, 4, { serializerId: 2_000_000_000, manifest: 'Empty@v1', payload: new Uint8Array(0) }),
        ];
        for (const e of written) await writeOk(context.journal, { persistenceId: pid, events: [e] });
        const replayed = await replay(context.journal, pid);
        expect(seqNrs(replayed)).toEqual([1, 2, 3, 4]);
        written.forEach((e, i) => expectSameEvent(replayed[i], e, { metadata: false }));
      },
    },
    {
      name: '17. metadata round-trips (text and binary)',
      requires: (capabilities) => capabilities.metadata,
      run: async (context) => {
        const pid = context.pid();
        const written = [
          event(pid, 1, { metadata: { serializerId: 5, manifest: 'Trace', payload: '{"traceId":"4bf92f35"}' } }),
          event(pid, 2, { metadata: { serializerId: 6, manifest: '', payload: Uint8Array.of(255, 0, 128) } }),
          event(pid, 3),
        ];
        await writeOk(context.journal, { persistenceId: pid, events: written });
        const replayed = await replay(context.journal, pid);
        expect(seqNrs(replayed)).toEqual([1, 2, 3]);
        written.forEach((e, i) => expectSameEvent(replayed[i], e, { metadata: true }));
      },
    },
    {
      name: '18. an atomic write of several events lands whole',
      run: async (context) => {
        const pid = await writeFive(context);
        await writeOk(context.journal, atomic(pid, [6, 7, 8]));
        await expectReplay(context.journal, pid, range(1, 8));
        await expectHighest(context.journal, pid, 8);
      },
    },
    {
      name: '18. an atomic write with one event too large stores none of its events, so its sequence nrs stay free',
      run: async (context) => {
        const { journal, capabilities } = context;
        const pid = await writeFive(context);
        const write = {
          persistenceId: pid,
          events: [event(pid, 6), event(pid, 7, { payload: asciiText(capabilities.maxPayloadBytes + 1) }), event(pid, 8)],
        };
        const results = await journal.writeMessages([write]);
        expect(results).toHaveLength(1);
        expectErrorNamed(results[0], 'PayloadTooLarge', 'the atomic write with seq 7 too large');
        await expectReplay(journal, pid, [1, 2, 3, 4, 5]);
        await expectHighest(journal, pid, 5);
        // Nothing of it was kept: the same sequence nrs can be written afterwards.
        await writeOk(journal, atomic(pid, [6, 7, 8]));
        await expectReplay(journal, pid, range(1, 8));
      },
    },
    {
      name: '19. replayed events carry persistenceId, sequence nr, manifest, writer uuid, timestamp > 0 and tags',
      run: async (context) => {
        const pid = context.pid();
        const written = range(1, 3).map((seq) =>
          event(pid, seq, {
            manifest: `Evt${seq}`,
            writerUuid: WRITER_A,
            timestamp: 1_712_345_678_901 + seq,
            tags: seq === 2 ? [] : ['account', `tag-${seq}`],
          }),
        );
        await writeOk(context.journal, { persistenceId: pid, events: written });
        const replayed = await replay(context.journal, pid);
        expect(replayed).toHaveLength(3);
        for (const [i, e] of replayed.entries()) {
          expect(e.timestamp).toBeGreaterThan(0);
          expectSameEvent(e, written[i]!, { metadata: false });
        }
      },
    },
  ],
};
