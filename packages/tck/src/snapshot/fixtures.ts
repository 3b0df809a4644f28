import { expect } from 'vitest';
import {
  SnapshotSelectionCriteria,
  type SerializedValue,
  type SnapshotMetadata,
  type SnapshotStore,
} from '@engram/core/spi';
import { expectSameSerializedValue } from '../support/assertions.js';
import type { SnapshotCaseContext } from './SnapshotCase.js';

/** Snapshot "s-i" of the setup is taken at sequence nr 10 + i and timestamp `snapshotTimestamp(i)`. */
export function snapshotTimestamp(i: number): number {
  // Not whole seconds: a store that keeps seconds only must fail.
  return 1_700_000_000_123 + i * 1000;
}

export function snapshotValue(payload: string | Uint8Array, manifest = 'TckSnapshot'): SerializedValue {
  return { serializerId: 1, manifest, payload };
}

export function metadataOf(persistenceId: string, sequenceNr: number, timestamp: number): SnapshotMetadata {
  return { persistenceId, sequenceNr, timestamp };
}

/** The setup of TCK.md: snapshots "s-1".."s-5" at sequence nrs 11..15 for a fresh id. */
export async function saveFive(context: SnapshotCaseContext, store: SnapshotStore = context.store): Promise<string> {
  const pid = context.pid('five');
  for (let i = 1; i <= 5; i++) {
    await store.save(metadataOf(pid, 10 + i, snapshotTimestamp(i)), snapshotValue(`s-${i}`));
  }
  return pid;
}

export interface ExpectedSnapshot {
  readonly sequenceNr: number;
  readonly timestamp?: number;
  readonly snapshot: SerializedValue;
}

/** The setup's snapshot "s-i". */
export function setupSnapshot(i: number): ExpectedSnapshot {
  return { sequenceNr: 10 + i, timestamp: snapshotTimestamp(i), snapshot: snapshotValue(`s-${i}`) };
}

/** Loads with `criteria` and asserts the result is `expected` (or that nothing matches). */
export async function expectLoad(
  store: SnapshotStore,
  persistenceId: string,
  criteria: SnapshotSelectionCriteria,
  expected: ExpectedSnapshot | undefined,
): Promise<void> {
  const loaded = await store.load(persistenceId, criteria);
  const what = `load(${JSON.stringify(persistenceId)}, ${describeCriteria(criteria)})`;
  if (expected === undefined) {
    expect(loaded, `${what} should find nothing`).toBeUndefined();
    return;
  }
  expect(loaded, `${what} should find seq ${expected.sequenceNr}`).toBeDefined();
  expect(loaded?.metadata.persistenceId, `${what}: persistenceId`).toBe(persistenceId);
  expect(loaded?.metadata.sequenceNr, `${what}: sequenceNr`).toBe(expected.sequenceNr);
  if (expected.timestamp !== undefined) {
    expect(loaded?.metadata.timestamp, `${what}: timestamp`).toBe(expected.timestamp);
  }
  expectSameSerializedValue(loaded?.snapshot, expected.snapshot, `${what}: snapshot`);
}

export const criteria = SnapshotSelectionCriteria;

function describeCriteria(c: SnapshotSelectionCriteria): string {
  return `seq ${c.minSequenceNr}..${c.maxSequenceNr}, timestamp ${c.minTimestamp}..${c.maxTimestamp}`;
}
