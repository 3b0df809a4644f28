import { SnapshotSelectionCriteria } from '@engram/core/spi';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../testing/fixtures.test-support.js';
import { SqliteSnapshotStore } from './SqliteSnapshotStore.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function open() {
  const db = tempDatabase();
  cleanups.push(db.remove);
  const store = new SqliteSnapshotStore({ path: db.path });
  cleanups.push(() => store.close());
  return { store, path: db.path };
}

describe('SqliteSnapshotStore', () => {
  it('returns text snapshots as the same strings and binary ones as Uint8Array', async () => {
    const { store } = open();
    await store.save({ persistenceId: 's', sequenceNr: 1, timestamp: 10 }, { serializerId: 1, manifest: 'S', payload: '42' });
    await store.save(
      { persistenceId: 's', sequenceNr: 2, timestamp: 20 },
      { serializerId: 2, manifest: 'B', payload: new Uint8Array([9, 0, 255]) },
    );
    const text = await store.load('s', SnapshotSelectionCriteria.of({ maxSequenceNr: 1 }));
    expect(text?.snapshot.payload).toBe('42');
    const binary = await store.load('s', SnapshotSelectionCriteria.latest());
    expect(binary?.metadata).toEqual({ persistenceId: 's', sequenceNr: 2, timestamp: 20 });
    expect(binary?.snapshot.payload).toBeInstanceOf(Uint8Array);
    expect(Array.from(binary?.snapshot.payload as Uint8Array)).toEqual([9, 0, 255]);
  });

  it('deletes one snapshot only when its timestamp matches or the given one is 0', async () => {
    const { store } = open();
    await store.save({ persistenceId: 'd', sequenceNr: 5, timestamp: 50 }, { serializerId: 1, manifest: '', payload: 'x' });
    await store.delete({ persistenceId: 'd', sequenceNr: 5, timestamp: 49 });
    expect(await store.load('d', SnapshotSelectionCriteria.latest())).toBeDefined();
    await store.delete({ persistenceId: 'd', sequenceNr: 5, timestamp: 0 });
    expect(await store.load('d', SnapshotSelectionCriteria.latest())).toBeUndefined();
  });

  it('rejects calls after close with a SqliteStoreError naming the file; closing twice is harmless', async () => {
    const { store, path } = open();
    await store.close();
    await store.close();
    await expect(store.load('late', SnapshotSelectionCriteria.latest())).rejects.toThrow(
      `SQLite loadSnapshot for persistenceId "late" failed on ${path}: the snapshot store is closed`,
    );
  });
});
