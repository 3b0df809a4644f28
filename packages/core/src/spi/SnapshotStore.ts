import type { SerializedValue } from './PersistentRepr.js';

export interface SnapshotMetadata {
  readonly persistenceId: string;
  /** The sequence nr of the last event the snapshot includes. */
  readonly sequenceNr: number;
  /** Milliseconds since the epoch, set by the writer. */
  readonly timestamp: number;
}

export interface SelectedSnapshot {
  readonly metadata: SnapshotMetadata;
  readonly snapshot: SerializedValue;
}

/** Which snapshots a load or delete matches; all bounds inclusive. */
export interface SnapshotSelectionCriteria {
  readonly maxSequenceNr: number;
  readonly maxTimestamp: number;
  readonly minSequenceNr: number;
  readonly minTimestamp: number;
}

export const SnapshotSelectionCriteria = {
  /** Every snapshot; `load` picks the youngest. */
  latest(): SnapshotSelectionCriteria {
    return { maxSequenceNr: Infinity, maxTimestamp: Infinity, minSequenceNr: 0, minTimestamp: 0 };
  },
  /** No snapshot: recovery replays every event. */
  none(): SnapshotSelectionCriteria {
    return { maxSequenceNr: 0, maxTimestamp: 0, minSequenceNr: 0, minTimestamp: 0 };
  },
  /** Fills unspecified bounds with those of `latest()`. */
  of(bounds: Partial<SnapshotSelectionCriteria>): SnapshotSelectionCriteria {
    return { ...SnapshotSelectionCriteria.latest(), ...bounds };
  },
  matches(criteria: SnapshotSelectionCriteria, metadata: SnapshotMetadata): boolean {
    return (
      metadata.sequenceNr <= criteria.maxSequenceNr &&
      metadata.sequenceNr >= criteria.minSequenceNr &&
      metadata.timestamp <= criteria.maxTimestamp &&
      metadata.timestamp >= criteria.minTimestamp
    );
  },
} as const;

/**
 * The snapshot-store plugin SPI. A rejected promise is a storage failure. Bounds may be `Infinity`.
 */
export interface SnapshotStore {
  /** The youngest snapshot (highest sequence nr, then latest timestamp) matching the criteria. */
  load(persistenceId: string, criteria: SnapshotSelectionCriteria): Promise<SelectedSnapshot | undefined>;
  /** Stores the snapshot; saving the same (persistenceId, sequenceNr) again replaces it. */
  save(metadata: SnapshotMetadata, snapshot: SerializedValue): Promise<void>;
  /** Deletes the snapshot at exactly (persistenceId, sequenceNr); a timestamp of 0 matches any. */
  delete(metadata: SnapshotMetadata): Promise<void>;
  deleteMatching(persistenceId: string, criteria: SnapshotSelectionCriteria): Promise<void>;
  close?(): Promise<void>;
}
