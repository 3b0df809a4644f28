import type { AtomicWrite, Journal, SnapshotStore } from '@engram/core';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { pidOf, WRITER_UUID } from '../sqlite/workload.js';
import { depositedEvent } from './accountEvents.js';

export interface FieldCase {
  readonly ids: readonly string[];
  readonly counts: readonly number[];
  readonly total: number;
  readonly description: string;
}

/** Deterministic pseudo-random numbers (mulberry32), so every run recovers the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `total` events over `actors` actors, as in a real service: history lengths exponentially
 * distributed (many short histories, a few long ones), at least one event each.
 */
export function fieldCase(actors: number, total: number): FieldCase {
  const next = random(170);
  const weights = Array.from({ length: actors }, () => -Math.log(1 - next()));
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.floor((w / sum) * total)));
  let missing = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; missing !== 0; i = (i + 1) % actors) {
    if (missing > 0) {
      counts[i]!++;
      missing--;
    } else if (counts[i]! > 1) {
      counts[i]!--;
      missing++;
    }
  }
  const max = Math.max(...counts);
  return {
    ids: counts.map((_, i) => pidOf(i)),
    counts,
    total,
    description: `history lengths exponentially distributed, mean ${Math.round(total / actors)}, longest ${max}`,
  };
}

/** Writes the field case's events (and, if `snapshotEvery` > 0, the latest two snapshots per actor). */
export async function fillField(path: string, field: FieldCase, snapshotEvery: number): Promise<void> {
  const journal = new SqliteJournal({ path });
  await fillFieldEvents(journal, field);
  await journal.close();
  if (snapshotEvery <= 0) return;
  const snapshots = new SqliteSnapshotStore({ path });
  await fillFieldSnapshots(snapshots, field, snapshotEvery);
  await snapshots.close();
}

/** Writes the field case's events through `journal`, 10,000 one-event writes per call, seq nr by seq nr. */
export async function fillFieldEvents(journal: Journal, field: FieldCase): Promise<void> {
  const longest = Math.max(...field.counts);
  let batch: AtomicWrite[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const results = await journal.writeMessages(batch);
    if (results.some((r) => r !== undefined)) throw new Error('filling the field case failed');
    batch = [];
  };
  for (let seq = 1; seq <= longest; seq++) {
    for (let i = 0; i < field.ids.length; i++) {
      if (field.counts[i]! < seq) continue;
      const id = field.ids[i]!;
      const payload = JSON.stringify(depositedEvent(id, seq));
      batch.push({
        persistenceId: id,
        events: [{ persistenceId: id, sequenceNr: seq, serializerId: 1, manifest: 'Deposited', payload, writerUuid: WRITER_UUID, timestamp: 1_700_000_000_000 + seq, tags: [] }],
      });
      if (batch.length === 10_000) await flush();
    }
  }
  await flush();
}

/**
 * Saves each actor's latest two snapshots at multiples of `snapshotEvery`, as the engine would
 * have kept them, `concurrency` saves at a time (a networked store pays a round trip per save).
 */
export async function fillFieldSnapshots(snapshots: SnapshotStore, field: FieldCase, snapshotEvery: number, concurrency = 1): Promise<void> {
  const saves: (() => Promise<void>)[] = [];
  for (let i = 0; i < field.ids.length; i++) {
    const latest = Math.floor(field.counts[i]! / snapshotEvery) * snapshotEvery;
    for (const seq of [latest - snapshotEvery, latest]) {
      if (seq <= 0) continue;
      const state = { balance: 100 * seq, count: seq };
      saves.push(() =>
        snapshots.save(
          { persistenceId: field.ids[i]!, sequenceNr: seq, timestamp: 1_700_000_000_000 + seq },
          { serializerId: 1, manifest: '', payload: JSON.stringify(state) },
        ),
      );
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < saves.length) await saves[next++]!();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
