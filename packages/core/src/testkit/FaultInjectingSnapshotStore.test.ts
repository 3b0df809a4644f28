import { describe, expect, it } from 'vitest';
import { snapshotStoreTck } from '@engram/tck';
import { MemorySnapshotStore } from '../memory/index.js';
import { SnapshotSelectionCriteria } from '../spi/index.js';
import { FaultInjectingSnapshotStore } from './FaultInjectingSnapshotStore.js';

// Without faults the wrapper is invisible: it passes the whole conformance suite.
snapshotStoreTck({
  name: 'FaultInjectingSnapshotStore without faults',
  create: async () => new FaultInjectingSnapshotStore(new MemorySnapshotStore()),
  capabilities: { durable: false, sharedStorage: false },
});

const latest = SnapshotSelectionCriteria.latest();
const meta = (persistenceId: string, sequenceNr: number) => ({ persistenceId, sequenceNr, timestamp: 1000 + sequenceNr });
const value = (payload: string) => ({ serializerId: 1, manifest: '', payload });

function setup() {
  const inner = new MemorySnapshotStore();
  return { inner, store: new FaultInjectingSnapshotStore(inner) };
}

describe('FaultInjectingSnapshotStore', () => {
  it('failSave rejects the 2nd matching save and stores nothing of it', async () => {
    const { inner, store } = setup();
    store.failSave({ nth: 2, persistenceId: 'a' });
    await store.save(meta('a', 1), value('one'));
    await store.save(meta('b', 1), value('other id'));
    await expect(store.save(meta('a', 2), value('two'))).rejects.toMatchObject({
      name: 'InjectedFault',
      fault: 'failSave',
      message: expect.stringMatching(/persistenceId "a".*2nd matching.*sequence nr 2/),
    });
    expect((await inner.load('a', latest))?.metadata.sequenceNr).toBe(1);
    expect(store.saves.map((s) => s.metadata)).toEqual([meta('a', 1), meta('b', 1)]);
  });

  it('failLoad rejects the next load with the given error, then loads work again', async () => {
    const { store } = setup();
    await store.save(meta('a', 1), value('one'));
    const unreadable = new Error('unreadable snapshot');
    store.failLoad({ error: unreadable });
    await expect(store.load('a', latest)).rejects.toBe(unreadable);
    expect((await store.load('a', latest))?.snapshot.payload).toBe('one');
  });

  it('failDelete covers delete and deleteMatching and deletes nothing', async () => {
    const { store } = setup();
    await store.save(meta('a', 1), value('one'));
    store.failDelete({ times: 2 });
    await expect(store.delete(meta('a', 1))).rejects.toThrow(/failSnapshotDelete.*delete of the snapshot at sequence nr 1/);
    await expect(store.deleteMatching('a', latest)).rejects.toThrow(/failSnapshotDelete.*deleteMatching/);
    expect(await store.load('a', latest)).toBeDefined();
    await store.deleteMatching('a', latest);
    expect(await store.load('a', latest)).toBeUndefined();
  });

  it('clearFaults drops the faults not fired yet', async () => {
    const { store } = setup();
    store.failSave({ times: Infinity }).failLoad();
    await expect(store.save(meta('a', 1), value('one'))).rejects.toThrow(/failSave/);
    store.clearFaults();
    await store.save(meta('a', 1), value('one'));
    expect((await store.load('a', latest))?.snapshot.payload).toBe('one');
  });
});
