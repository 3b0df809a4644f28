import { describe, expect, it } from 'vitest';
import { journalTck } from '@engram/tck';
import { MemoryJournal } from '../memory/index.js';
import type { AtomicWrite, PersistentRepr } from '../spi/index.js';
import { FaultInjectingJournal } from './FaultInjectingJournal.js';

// Without faults the wrapper is invisible: it passes the whole conformance suite.
journalTck({
  name: 'FaultInjectingJournal without faults',
  create: async () => new FaultInjectingJournal(new MemoryJournal({ maxPayloadBytes: 4096 })),
  capabilities: { metadata: true, maxPayloadBytes: 4096, durable: false, sharedStorage: false },
});

function write(persistenceId: string, ...sequenceNrs: number[]): AtomicWrite {
  return {
    persistenceId,
    events: sequenceNrs.map((sequenceNr) => ({
      persistenceId,
      sequenceNr,
      serializerId: 1,
      manifest: '',
      payload: `${persistenceId}-${sequenceNr}`,
      writerUuid: 'w',
      timestamp: 1,
      tags: [],
    })),
  };
}

async function replayed(journal: FaultInjectingJournal | MemoryJournal, pid: string): Promise<number[]> {
  const seqs: number[] = [];
  await journal.replayMessages(pid, 1, Infinity, Infinity, (e: PersistentRepr) => seqs.push(e.sequenceNr));
  return seqs;
}

function setup() {
  const inner = new MemoryJournal();
  return { inner, journal: new FaultInjectingJournal(inner) };
}

describe('FaultInjectingJournal.failWrite', () => {
  it('fails the call that contains the 3rd AtomicWrite from now, storing nothing of that call', async () => {
    const { inner, journal } = setup();
    journal.failWrite({ nth: 3 });
    await journal.writeMessages([write('a', 1)]);
    await journal.writeMessages([write('a', 2)]);
    const failure = journal.writeMessages([write('a', 3), write('b', 1)]);
    await expect(failure).rejects.toMatchObject({ name: 'InjectedFault', fault: 'failWrite', persistenceId: 'a' });
    await expect(failure).rejects.toThrow(/injected fault failWrite for persistenceId "a".*3rd matching AtomicWrite, sequence nr 3/);
    expect(await replayed(inner, 'b')).toEqual([]);
    expect(await replayed(inner, 'a')).toEqual([1, 2]);
    expect(await journal.writeMessages([write('a', 3)])).toEqual([undefined]);
  });

  it('counts only the writes of the given persistenceId and rejects with the given error', async () => {
    const { journal } = setup();
    const down = new Error('disk full');
    journal.failWrite({ nth: 2, persistenceId: 'Account|1', error: down });
    await journal.writeMessages([write('Account|1', 1)]);
    await journal.writeMessages([write('Account|2', 1), write('Account|2', 2)]);
    await expect(journal.writeMessages([write('Account|1', 2)])).rejects.toBe(down);
  });

  it('keeps failing `times` writes, or until clearFaults() with Infinity', async () => {
    const { journal } = setup();
    journal.failWrite({ times: 2 });
    await expect(journal.writeMessages([write('a', 1)])).rejects.toThrow(/failWrite/);
    await expect(journal.writeMessages([write('a', 1)])).rejects.toThrow(/failWrite/);
    expect(await journal.writeMessages([write('a', 1)])).toEqual([undefined]);

    journal.failWrite({ times: Infinity });
    for (let i = 0; i < 5; i++) await expect(journal.writeMessages([write('a', 2)])).rejects.toThrow(/failWrite/);
    journal.clearFaults();
    expect(await journal.writeMessages([write('a', 2)])).toEqual([undefined]);
  });

  it('stacks faults due on the same write: the next matching write takes the second', async () => {
    const { journal } = setup();
    journal.failWrite({ error: new Error('first') }).failWrite({ error: new Error('second') });
    await expect(journal.writeMessages([write('a', 1)])).rejects.toThrow('first');
    await expect(journal.writeMessages([write('a', 1)])).rejects.toThrow('second');
    expect(await journal.writeMessages([write('a', 1)])).toEqual([undefined]);
  });

  it('rejects invalid options with a message naming them', () => {
    const { journal } = setup();
    expect(() => journal.failWrite({ nth: 0 })).toThrow('failWrite option nth must be an integer >= 1, got 0');
    expect(() => journal.failWrite({ times: 0 })).toThrow('failWrite option times must be an integer >= 1, got 0');
    expect(() => journal.failWrite({ persistenceId: '' })).toThrow(/failWrite option persistenceId must be a non-empty string/);
  });
});

describe('FaultInjectingJournal.rejectWrite', () => {
  it('rejects that AtomicWrite only; the others of the call land and the wrapped answers keep their places', async () => {
    const { inner, journal } = setup();
    await journal.writeMessages([write('c', 1)]);
    journal.rejectWrite({ nth: 1, persistenceId: 'b' });
    const results = await journal.writeMessages([write('a', 1), write('b', 1), write('c', 1)]);
    expect(results[0]).toBeUndefined();
    expect(results[1]).toMatchObject({ name: 'InjectedFault', fault: 'rejectWrite', persistenceId: 'b' });
    expect(results[2]?.name).toBe('SequenceConflict');
    expect(await replayed(inner, 'a')).toEqual([1]);
    expect(await replayed(inner, 'b')).toEqual([]);
  });

  it('uses the given error as the rejection', async () => {
    const { journal } = setup();
    const tooBig = new Error('event too big');
    journal.rejectWrite({ error: tooBig });
    expect(await journal.writeMessages([write('a', 1)])).toEqual([tooBig]);
  });

  it('is not used up by a call that failWrite fails', async () => {
    const { journal } = setup();
    journal.failWrite().rejectWrite();
    await expect(journal.writeMessages([write('a', 1)])).rejects.toThrow(/failWrite/);
    const [result] = await journal.writeMessages([write('a', 1)]);
    expect(result?.message).toMatch(/rejectWrite/);
  });
});

describe('FaultInjectingJournal.writes', () => {
  it('lists the AtomicWrites passed on to the wrapped journal, not the failed or rejected ones', async () => {
    const { journal } = setup();
    const first = write('a', 1);
    const rejected = write('b', 1);
    const failed = write('a', 2);
    await journal.writeMessages([first]);
    journal.rejectWrite({ persistenceId: 'b' });
    await journal.writeMessages([rejected]);
    journal.failWrite();
    await expect(journal.writeMessages([failed])).rejects.toThrow();
    expect(journal.writes).toEqual([first]);
  });
});

describe('FaultInjectingJournal.failReplay', () => {
  it('rejects the next replay of the id after delivering afterEvents events; the one after works', async () => {
    const { journal } = setup();
    await journal.writeMessages([write('a', 1, 2, 3, 4), write('b', 1)]);
    journal.failReplay({ persistenceId: 'a', afterEvents: 2 });
    expect(await replayed(journal, 'b')).toEqual([1]);
    const seen: number[] = [];
    const replay = journal.replayMessages('a', 1, Infinity, Infinity, (e) => seen.push(e.sequenceNr));
    await expect(replay).rejects.toMatchObject({ name: 'InjectedFault', fault: 'failReplay' });
    await expect(replay).rejects.toThrow(/failed after 2 events/);
    expect(seen).toEqual([1, 2]);
    expect(await replayed(journal, 'a')).toEqual([1, 2, 3, 4]);
  });

  it('delivers nothing by default and rejects with the given error', async () => {
    const { journal } = setup();
    await journal.writeMessages([write('a', 1)]);
    const lost = new Error('connection lost');
    journal.failReplay({ error: lost });
    const seen: number[] = [];
    await expect(journal.replayMessages('a', 1, Infinity, Infinity, (e) => seen.push(e.sequenceNr))).rejects.toBe(lost);
    expect(seen).toEqual([]);
  });

  it('rejects a negative afterEvents', () => {
    expect(() => setup().journal.failReplay({ afterEvents: -1 })).toThrow('failReplay option afterEvents must be an integer >= 0, got -1');
  });
});

describe('FaultInjectingJournal.failHighestSequenceNr and failDelete', () => {
  it('fail the next matching call only', async () => {
    const { journal } = setup();
    await journal.writeMessages([write('a', 1, 2, 3)]);
    journal.failHighestSequenceNr({ persistenceId: 'a' });
    expect(await journal.readHighestSequenceNr('other', 0)).toBe(0);
    await expect(journal.readHighestSequenceNr('a', 0)).rejects.toThrow(/injected fault failHighestSequenceNr for persistenceId "a"/);
    expect(await journal.readHighestSequenceNr('a', 0)).toBe(3);

    journal.failDelete();
    await expect(journal.deleteMessagesTo('a', 2)).rejects.toThrow(/failDelete.*nothing was deleted/);
    expect(await replayed(journal, 'a')).toEqual([1, 2, 3]);
    await journal.deleteMessagesTo('a', 2);
    expect(await replayed(journal, 'a')).toEqual([3]);
  });
});

describe('FaultInjectingJournal and queries', () => {
  it('passes the wrapped journal query side through: queries read what the faults let through', async () => {
    const { MemoryReadJournal } = await import('../memory/index.js');
    const inner = new MemoryJournal();
    const journal = new FaultInjectingJournal(inner);
    expect(journal.reader).toBe(inner.reader);
    const repr = (sequenceNr: number): PersistentRepr => ({
      persistenceId: 'q', sequenceNr, serializerId: 1, manifest: '', payload: JSON.stringify(sequenceNr), writerUuid: 'w', timestamp: 0, tags: [],
    });
    journal.rejectWrite({ nth: 2 });
    await journal.writeMessages([{ persistenceId: 'q', events: [repr(1)] }, { persistenceId: 'q', events: [repr(2)] }]);
    const seen: unknown[] = [];
    for await (const envelope of new MemoryReadJournal(inner).currentAllEvents()) seen.push(envelope.event);
    expect(seen).toEqual([1]);
  });
});
