import { describe, expect, it } from 'vitest';
import { journalTck } from '@engram/tck';
import type { AtomicWrite, PersistentRepr } from '../spi/index.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, MemoryJournal } from './MemoryJournal.js';

journalTck({
  name: 'MemoryJournal',
  create: async () => new MemoryJournal(),
  capabilities: { metadata: true, maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES, durable: false, sharedStorage: false },
});

journalTck({
  name: 'MemoryJournal with maxPayloadBytes 1000',
  create: async () => new MemoryJournal({ maxPayloadBytes: 1000 }),
  capabilities: { metadata: true, maxPayloadBytes: 1000, durable: false, sharedStorage: false },
});

function event(persistenceId: string, sequenceNr: number, payload: string | Uint8Array = `e-${sequenceNr}`): PersistentRepr {
  return { persistenceId, sequenceNr, serializerId: 1, manifest: '', payload, writerUuid: 'w', timestamp: 1, tags: [] };
}

function write(persistenceId: string, ...sequenceNrs: number[]): AtomicWrite {
  return { persistenceId, events: sequenceNrs.map((seq) => event(persistenceId, seq)) };
}

async function replayed(journal: MemoryJournal, pid: string, from = 1, to = Infinity, max = Infinity): Promise<number[]> {
  const seqs: number[] = [];
  await journal.replayMessages(pid, from, to, max, (e) => seqs.push(e.sequenceNr));
  return seqs;
}

describe('MemoryJournal', () => {
  it('accepts 16 MiB payloads by default and rejects one byte more', async () => {
    const journal = new MemoryJournal();
    const results = await journal.writeMessages([
      { persistenceId: 'p', events: [event('p', 1, 'x'.repeat(16 * 1024 * 1024))] },
      { persistenceId: 'q', events: [event('q', 1, new Uint8Array(16 * 1024 * 1024 + 1))] },
    ]);
    expect(results[0]).toBeUndefined();
    expect(results[1]?.name).toBe('PayloadTooLarge');
    expect(results[1]?.message).toContain('"q"');
    expect(results[1]?.message).toContain('16777217 bytes');
  });

  it('counts a 4-byte character as 4 bytes against the limit', async () => {
    const journal = new MemoryJournal({ maxPayloadBytes: 8 });
    const results = await journal.writeMessages([
      { persistenceId: 'p', events: [event('p', 1, '😀😀')] },
      { persistenceId: 'q', events: [event('q', 1, '😀😀a')] },
    ]);
    expect(results[0]).toBeUndefined();
    expect(results[1]?.name).toBe('PayloadTooLarge');
  });

  it('rejects a maxPayloadBytes that is not a non-negative integer', () => {
    expect(() => new MemoryJournal({ maxPayloadBytes: -1 })).toThrow(
      'MemoryJournal option maxPayloadBytes must be an integer >= 0, got -1',
    );
    expect(() => new MemoryJournal({ maxPayloadBytes: 1.5 })).toThrow(/InvalidArgument|maxPayloadBytes must be an integer/);
    expect(() => new MemoryJournal({ maxPayloadBytes: Infinity })).toThrow(/maxPayloadBytes/);
  });

  it('rejects an event that names another id than its AtomicWrite, storing nothing of it', async () => {
    const journal = new MemoryJournal();
    const results = await journal.writeMessages([{ persistenceId: 'p', events: [event('p', 1), event('other', 2)] }]);
    expect(results[0]?.name).toBe('InvalidPersistenceId');
    expect(results[0]?.message).toContain('"other"');
    expect(await journal.readHighestSequenceNr('p', 0)).toBe(0);
  });

  it('rejects sequence nrs that are not positive integers or do not ascend within a write', async () => {
    const journal = new MemoryJournal();
    const results = await journal.writeMessages([write('a', 0), write('b', 1.5), write('c', 2, 1), write('d', 1, 3)]);
    expect(results.map((r) => r?.name)).toEqual(['InvalidWrite', 'InvalidWrite', 'InvalidWrite', undefined]);
    expect(await replayed(journal, 'c')).toEqual([]);
    expect(await replayed(journal, 'd')).toEqual([1, 3]);
  });

  it('replays whole sequence nrs inside fractional bounds, like the SQL stores', async () => {
    const journal = new MemoryJournal();
    await journal.writeMessages([write('p', 1, 2, 3, 4, 5)]);
    expect(await replayed(journal, 'p', 2.5, 4.5)).toEqual([3, 4]);
    expect(await replayed(journal, 'p', 1, Infinity, 1.5)).toEqual([1]);
    expect(await replayed(journal, 'p', NaN)).toEqual([]);
  });

  it('treats a deleted sequence nr as taken: rewriting it is a SequenceConflict', async () => {
    const journal = new MemoryJournal();
    await journal.writeMessages([write('p', 1, 2, 3)]);
    await journal.deleteMessagesTo('p', 2);
    const [result] = await journal.writeMessages([write('p', 2)]);
    expect(result?.name).toBe('SequenceConflict');
    expect(await replayed(journal, 'p')).toEqual([3]);
  });

  it('stores an empty AtomicWrite as nothing and acknowledges it', async () => {
    const journal = new MemoryJournal();
    expect(await journal.writeMessages([{ persistenceId: 'p', events: [] }])).toEqual([undefined]);
    expect(await journal.readHighestSequenceNr('p', 0)).toBe(0);
  });

  it('replays the stored payload object itself, without copying', async () => {
    const journal = new MemoryJournal();
    const bytes = Uint8Array.of(1, 2, 3);
    await journal.writeMessages([{ persistenceId: 'p', events: [event('p', 1, bytes)] }]);
    let seen: unknown;
    await journal.replayMessages('p', 1, 1, 1, (e) => (seen = e.payload));
    expect(seen).toBe(bytes);
  });

  it('keeps replaying correctly across many deletes and writes (compaction)', async () => {
    const journal = new MemoryJournal();
    let highest = 0;
    for (let round = 1; round <= 50; round++) {
      const seqs = Array.from({ length: 20 }, (_, i) => highest + i + 1);
      await journal.writeMessages([write('p', ...seqs)]);
      highest += 20;
      await journal.deleteMessagesTo('p', highest - 5);
      expect(await replayed(journal, 'p')).toEqual([highest - 4, highest - 3, highest - 2, highest - 1, highest]);
      expect(await replayed(journal, 'p', highest - 2, highest - 1)).toEqual([highest - 2, highest - 1]);
    }
    expect(await journal.readHighestSequenceNr('p', 0)).toBe(1000);
  });

  it('a replay is not disturbed by a delete or write its onEvent makes', async () => {
    const journal = new MemoryJournal();
    await journal.writeMessages([write('p', 1, 2, 3, 4, 5)]);
    const seen: number[] = [];
    await journal.replayMessages('p', 1, Infinity, Infinity, (e) => {
      seen.push(e.sequenceNr);
      if (e.sequenceNr === 2) {
        void journal.deleteMessagesTo('p', 4);
        void journal.writeMessages([write('p', 6)]);
      }
    });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(await replayed(journal, 'p')).toEqual([5, 6]);
  });

  it('rejects calls after close() with StoreClosed naming the call and the id', async () => {
    const journal = new MemoryJournal();
    await journal.close();
    await journal.close();
    await expect(journal.readHighestSequenceNr('Account|1', 0)).rejects.toMatchObject({
      name: 'StoreClosed',
      message: expect.stringContaining('MemoryJournal.readHighestSequenceNr for persistenceId "Account|1"'),
    });
  });
});
