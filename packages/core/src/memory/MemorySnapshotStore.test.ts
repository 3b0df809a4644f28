import { describe, expect, it } from 'vitest';
import { snapshotStoreTck } from '@engram/tck';
import { SnapshotSelectionCriteria } from '../spi/index.js';
import { MemorySnapshotStore } from './MemorySnapshotStore.js';

snapshotStoreTck({
  name: 'MemorySnapshotStore',
  create: async () => new MemorySnapshotStore(),
  capabilities: { durable: false, sharedStorage: false },
});

describe('MemorySnapshotStore', () => {
  it('keeps snapshots ordered by sequence nr whatever order they are saved in', async () => {
    const store = new MemorySnapshotStore();
    for (const seq of [5, 1, 9, 3, 7]) {
      await store.save({ persistenceId: 'p', sequenceNr: seq, timestamp: seq }, { serializerId: 1, manifest: '', payload: `s${seq}` });
    }
    const loadAtMost = async (max: number) =>
      (await store.load('p', SnapshotSelectionCriteria.of({ maxSequenceNr: max })))?.metadata.sequenceNr;
    expect(await loadAtMost(Infinity)).toBe(9);
    expect(await loadAtMost(8)).toBe(7);
    expect(await loadAtMost(4)).toBe(3);
    expect(await loadAtMost(0)).toBeUndefined();
  });

  it('returns the saved snapshot object itself, without copying', async () => {
    const store = new MemorySnapshotStore();
    const snapshot = { serializerId: 1, manifest: '', payload: Uint8Array.of(1) };
    await store.save({ persistenceId: 'p', sequenceNr: 1, timestamp: 1 }, snapshot);
    expect((await store.load('p', SnapshotSelectionCriteria.latest()))?.snapshot).toBe(snapshot);
  });

  it('rejects calls after close() with StoreClosed', async () => {
    const store = new MemorySnapshotStore();
    await store.close();
    await expect(store.load('p', SnapshotSelectionCriteria.latest())).rejects.toMatchObject({ name: 'StoreClosed' });
  });
});
