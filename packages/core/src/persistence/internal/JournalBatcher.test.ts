import { describe, expect, it } from 'vitest';
import type { Journal } from '../../spi/Journal.js';
import type { AtomicWrite } from '../../spi/PersistentRepr.js';
import { JournalBatcher, WriteSession, type WriteOutcome } from './JournalBatcher.js';

/** A journal whose calls wait until the test releases them, recording what each call held. */
function heldJournal() {
  const calls: { writes: readonly AtomicWrite[]; release: () => void }[] = [];
  const journal: Journal = {
    writeMessages: (writes) =>
      new Promise((resolve) => calls.push({ writes, release: () => resolve(writes.map(() => undefined)) })),
    replayMessages: async () => {},
    readHighestSequenceNr: async () => 0,
    deleteMessagesTo: async () => {},
  };
  return { journal, calls };
}

const write = (id: string, seq: number): AtomicWrite => ({
  persistenceId: id,
  events: [{ persistenceId: id, sequenceNr: seq, serializerId: 1, manifest: '', payload: '1', writerUuid: 'w', timestamp: 1, tags: [] }],
});

/** A few event-loop turns: the batcher flushes on setImmediate after a call settles. */
const turn = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('JournalBatcher', () => {
  it('sends the writes of one turn in one call; writes of an id in flight wait for the next call, in order', async () => {
    const { journal, calls } = heldJournal();
    const batcher = new JournalBatcher(journal, 10_000, 1, (w) => w);
    const outcomes: string[] = [];
    const done = (label: string) => (outcome: WriteOutcome) => void outcomes.push(`${label} ${outcome.kind}`);
    for (let i = 0; i < 5; i++) batcher.submit(write(`p${i}`, 1), new WriteSession(), done(`p${i}`));
    await turn();
    expect(calls.map((c) => c.writes.length)).toEqual([5]);
    batcher.submit(write('p0', 2), new WriteSession(), done('p0#2'));
    batcher.submit(write('p9', 1), new WriteSession(), done('p9'));
    await turn();
    expect(calls).toHaveLength(1);
    calls[0]!.release();
    await turn();
    expect(calls.map((c) => c.writes.map((w) => `${w.persistenceId}#${w.events[0]!.sequenceNr}`))).toEqual([
      ['p0#1', 'p1#1', 'p2#1', 'p3#1', 'p4#1'],
      ['p0#2', 'p9#1'],
    ]);
    calls[1]!.release();
    await turn();
    expect(outcomes).toEqual(['p0 stored', 'p1 stored', 'p2 stored', 'p3 stored', 'p4 stored', 'p0#2 stored', 'p9 stored']);
    await batcher.whenIdle();
  });

  it('spreads a large turn over the free journal slots, at least 100 ids per call', async () => {
    const { journal, calls } = heldJournal();
    const batcher = new JournalBatcher(journal, 10_000, 4, (w) => w);
    for (let i = 0; i < 1000; i++) batcher.submit(write(`a${i}`, 1), new WriteSession(), () => {});
    await turn();
    expect(calls.map((c) => c.writes.length)).toEqual([250, 250, 250, 250]);
    for (const call of calls.splice(0)) call.release();
    await turn();
    for (let i = 0; i < 150; i++) batcher.submit(write(`b${i}`, 1), new WriteSession(), () => {});
    await turn();
    expect(calls.map((c) => c.writes.length)).toEqual([100, 50]);
    for (const call of calls) call.release();
    await batcher.whenIdle();
  });

  it('never puts one id into two calls in flight, and sends all its queued writes together', async () => {
    const { journal, calls } = heldJournal();
    const batcher = new JournalBatcher(journal, 10_000, 4, (w) => w);
    for (let seq = 1; seq <= 300; seq++) batcher.submit(write('same', seq), new WriteSession(), () => {});
    await turn();
    // Splitting them over the free calls would only make them wait for each other.
    expect(calls.map((c) => c.writes.length)).toEqual([300]);
    for (let seq = 301; seq <= 310; seq++) batcher.submit(write('same', seq), new WriteSession(), () => {});
    batcher.submit(write('other', 1), new WriteSession(), () => {});
    await turn();
    expect(calls.map((c) => c.writes.map((w) => w.persistenceId)[0])).toEqual(['same', 'other']);
    expect(calls[1]!.writes).toHaveLength(1);
    calls[0]!.release();
    await turn();
    expect(calls[2]!.writes.map((w) => w.events[0]!.sequenceNr)).toEqual([301, 302, 303, 304, 305, 306, 307, 308, 309, 310]);
    for (const call of calls.slice(1)) call.release();
    await batcher.whenIdle();
  });

  it('spreads many ids with several writes each over the free calls by id, each id whole and in order', async () => {
    const { journal, calls } = heldJournal();
    const batcher = new JournalBatcher(journal, 10_000, 4, (w) => w);
    for (let seq = 1; seq <= 3; seq++) for (let i = 0; i < 1000; i++) batcher.submit(write(`a${i}`, seq), new WriteSession(), () => {});
    await turn();
    expect(calls.map((c) => c.writes.length)).toEqual([750, 750, 750, 750]);
    for (const call of calls) {
      const seqsById = new Map<string, number[]>();
      for (const w of call.writes) seqsById.set(w.persistenceId, [...(seqsById.get(w.persistenceId) ?? []), w.events[0]!.sequenceNr]);
      expect(seqsById.size).toBe(250);
      for (const seqs of seqsById.values()) expect(seqs).toEqual([1, 2, 3]);
    }
    for (const call of calls) call.release();
    await batcher.whenIdle();
  });

  it('a call that rejects fails its writes; a SequenceConflict fails its write only; other errors reject it', async () => {
    const journal: Journal = {
      writeMessages: async (writes) =>
        writes.map((w) =>
          w.persistenceId === 'conflict'
            ? Object.assign(new Error('taken'), { name: 'SequenceConflict' })
            : w.persistenceId === 'big'
              ? new Error('too large')
              : undefined,
        ),
      replayMessages: async () => {},
      readHighestSequenceNr: async () => 0,
      deleteMessagesTo: async () => {},
    };
    const batcher = new JournalBatcher(journal, 10_000, 1, (w) => w);
    const outcomes = new Map<string, string>();
    for (const id of ['ok', 'conflict', 'big']) batcher.submit(write(id, 1), new WriteSession(), (o) => outcomes.set(id, o.kind));
    await batcher.whenIdle();
    expect(Object.fromEntries(outcomes)).toEqual({ ok: 'stored', conflict: 'failed', big: 'rejected' });
  });

  it('after a write of a session fails, its queued and later writes fail without reaching the journal', async () => {
    const sent: string[] = [];
    let failNext = true;
    const journal: Journal = {
      writeMessages: async (writes) => {
        for (const w of writes) sent.push(`${w.persistenceId}#${w.events[0]!.sequenceNr}`);
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        return writes.map(() => undefined);
      },
      replayMessages: async () => {},
      readHighestSequenceNr: async () => 0,
      deleteMessagesTo: async () => {},
    };
    const batcher = new JournalBatcher(journal, 10_000, 1, (w) => w);
    const failing = new WriteSession();
    const other = new WriteSession();
    const outcomes: string[] = [];
    const done = (label: string) => (outcome: WriteOutcome) => void outcomes.push(`${label} ${outcome.kind}`);
    batcher.submit(write('a', 1), failing, done('a#1'));
    await turn();
    // Queued behind the call in flight: a#2 of the failing writer, b#1 of another one.
    batcher.submit(write('a', 2), failing, done('a#2'));
    batcher.submit(write('b', 1), other, done('b#1'));
    await batcher.whenIdle();
    batcher.submit(write('a', 3), failing, done('a#3'));
    await batcher.whenIdle();
    expect(sent).toEqual(['a#1', 'b#1']);
    expect(outcomes).toEqual(['a#1 failed', 'a#2 failed', 'b#1 stored', 'a#3 failed']);
  });

  it('whenSettled waits for the writes of an ended incarnation of the id, queued or in flight, and not for other ids', async () => {
    const { journal, calls } = heldJournal();
    const batcher = new JournalBatcher(journal, 10_000, 1, (w) => w);
    const settled: string[] = [];
    await batcher.whenSettled('a');
    const ended = new WriteSession();
    batcher.submit(write('a', 1), ended, () => {});
    await turn();
    batcher.submit(write('a', 2), ended, () => {});
    batcher.submit(write('b', 1), new WriteSession(), () => {});
    batcher.retire('a', ended);
    void batcher.whenSettled('a').then(() => settled.push('a'));
    void batcher.whenSettled('c').then(() => settled.push('c'));
    await turn();
    expect(settled).toEqual(['c']);
    expect(Object.fromEntries(batcher.unsettledWrites())).toEqual({ a: 2, b: 1 });
    calls[0]!.release();
    await turn();
    expect(settled).toEqual(['c']);
    calls[1]!.release();
    await turn();
    expect(settled).toEqual(['c', 'a']);
    expect(batcher.unsettledWrites().size).toBe(0);
    await batcher.whenSettled('a');
  });
});
