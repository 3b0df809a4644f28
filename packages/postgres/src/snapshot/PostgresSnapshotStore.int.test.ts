import { PayloadTooLarge, SnapshotSelectionCriteria, type SnapshotMetadata } from '@engram/core/spi';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { PostgresSnapshotStore } from './PostgresSnapshotStore.js';

const db = await postgresForTests('snapshots');

describe.skipIf(!db.available)('PostgresSnapshotStore', () => {
  const store = new PostgresSnapshotStore({ connectionString: db.url, schema: db.schema });
  afterAll(() => store.close());
  let counter = 0;
  const { of, latest } = SnapshotSelectionCriteria;

  /** TCK.md setup: "s-1".."s-5" at seq 11..15, with increasing timestamps. */
  async function fiveSnapshots(): Promise<{ pid: string; meta: SnapshotMetadata[] }> {
    const pid = `Cart|${++counter}`;
    const meta: SnapshotMetadata[] = [];
    for (let i = 1; i <= 5; i++) {
      const metadata = { persistenceId: pid, sequenceNr: 10 + i, timestamp: 1_000 * i };
      await store.save(metadata, { serializerId: 1, manifest: 'Cart', payload: `"s-${i}"` });
      meta.push(metadata);
    }
    return { pid, meta };
  }
  const payloadOf = async (pid: string, criteria: SnapshotSelectionCriteria): Promise<unknown> =>
    (await store.load(pid, criteria))?.snapshot.payload;

  it('finds nothing for an unknown id, too old a timestamp or too low a sequence nr', async () => {
    const { pid, meta } = await fiveSnapshots();
    expect(await store.load('nobody', latest())).toBeUndefined();
    expect(await store.load(pid, of({ maxTimestamp: (meta[0]?.timestamp ?? 0) - 1 }))).toBeUndefined();
    expect(await store.load(pid, of({ maxSequenceNr: 7 }))).toBeUndefined();
  });

  it('loads the youngest matching snapshot', async () => {
    const { pid, meta } = await fiveSnapshots();
    expect(await store.load(pid, latest())).toEqual({
      metadata: { persistenceId: pid, sequenceNr: 15, timestamp: 5_000 },
      snapshot: { serializerId: 1, manifest: 'Cart', payload: '"s-5"' },
    });
    expect(await payloadOf(pid, of({ maxSequenceNr: 13 }))).toBe('"s-3"');
    expect(await payloadOf(pid, of({ maxSequenceNr: 13, maxTimestamp: meta[2]?.timestamp ?? 0 }))).toBe('"s-3"');
    expect(await payloadOf(pid, of({ minSequenceNr: 12, maxSequenceNr: 12 }))).toBe('"s-2"');
    expect(await payloadOf(pid, of({ minTimestamp: 4_500 }))).toBe('"s-5"');
    expect(await store.load(pid, SnapshotSelectionCriteria.none())).toBeUndefined();
  });

  it('deletes one snapshot, and those matching criteria', async () => {
    const { pid, meta } = await fiveSnapshots();
    await store.delete({ persistenceId: pid, sequenceNr: 13, timestamp: 0 });
    expect(await payloadOf(pid, of({ maxSequenceNr: 13 }))).toBe('"s-2"');
    await store.deleteMatching(pid, of({ maxSequenceNr: 13, maxTimestamp: meta[2]?.timestamp ?? 0 }));
    expect(await store.load(pid, of({ maxSequenceNr: 13 }))).toBeUndefined();
    expect(await payloadOf(pid, of({ maxSequenceNr: 14 }))).toBe('"s-4"');
    await store.deleteMatching(pid, of({ maxTimestamp: (meta[3]?.timestamp ?? 0) - 1 }));
    expect(await payloadOf(pid, of({ maxSequenceNr: 14 }))).toBe('"s-4"');
    // A timestamp that does not match leaves the snapshot in place.
    await store.delete({ persistenceId: pid, sequenceNr: 14, timestamp: 1 });
    expect(await payloadOf(pid, of({ maxSequenceNr: 14 }))).toBe('"s-4"');
  });

  it('overwrites a snapshot saved again at the same sequence nr; the last save wins', async () => {
    const { pid } = await fiveSnapshots();
    await store.save({ persistenceId: pid, sequenceNr: 15, timestamp: 6_000 }, { serializerId: 2, manifest: 'V2', payload: '"s-5b"' });
    expect(await store.load(pid, latest())).toMatchObject({
      metadata: { sequenceNr: 15, timestamp: 6_000 },
      snapshot: { serializerId: 2, manifest: 'V2', payload: '"s-5b"' },
    });
    const rapid = `Rapid|${++counter}`;
    for (const [seq, payload] of [[1, 'a'], [2, 'b'], [3, 'c'], [3, 'd']] as const) {
      await store.save({ persistenceId: rapid, sequenceNr: seq, timestamp: 100 }, { serializerId: 1, manifest: '', payload });
    }
    expect(await payloadOf(rapid, latest())).toBe('d');
  });

  it('keeps large, binary and U+0000-bearing snapshots exactly', async () => {
    const pid = `Big|${++counter}`;
    const big = JSON.stringify({ items: 'x'.repeat(10_000) });
    const bytes = new Uint8Array(100_000).map((_, i) => i % 256);
    await store.save({ persistenceId: pid, sequenceNr: 1, timestamp: 1 }, { serializerId: 1, manifest: '', payload: big });
    await store.save({ persistenceId: pid, sequenceNr: 2, timestamp: 2 }, { serializerId: 9, manifest: 'bin', payload: bytes });
    await store.save({ persistenceId: pid, sequenceNr: 3, timestamp: 3 }, { serializerId: 1, manifest: '', payload: 'a\u0000b' });
    expect(await payloadOf(pid, of({ maxSequenceNr: 1 }))).toBe(big);
    const binary = await payloadOf(pid, of({ maxSequenceNr: 2 }));
    expect(binary).toBeInstanceOf(Uint8Array);
    expect(binary).toEqual(bytes);
    expect(await payloadOf(pid, latest())).toBe('a\u0000b');
  });

  it('refuses a snapshot over maxPayloadBytes and keeps the previous one', async () => {
    const small = new PostgresSnapshotStore({ connectionString: db.url, schema: db.schema }, { maxPayloadBytes: 100 });
    try {
      const pid = `Limited|${++counter}`;
      await small.save({ persistenceId: pid, sequenceNr: 1, timestamp: 1 }, { serializerId: 1, manifest: '', payload: 'ok' });
      const save = small.save({ persistenceId: pid, sequenceNr: 2, timestamp: 2 }, { serializerId: 1, manifest: '', payload: 'é'.repeat(60) });
      await expect(save).rejects.toBeInstanceOf(PayloadTooLarge);
      await expect(save).rejects.toMatchObject({ sizeBytes: 120, maxBytes: 100, sequenceNr: 2 });
      expect(await small.load(pid, latest())).toMatchObject({ metadata: { sequenceNr: 1 } });
    } finally {
      await small.close();
    }
  });
});
