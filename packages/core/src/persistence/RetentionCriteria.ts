import { requireNumber } from '../errors/index.js';

/**
 * Automatic snapshots and clean-up: a snapshot every `snapshotEveryNEvents` events, keeping the
 * latest `keepNSnapshots`; older snapshots (and, with `withDeleteEventsOnSnapshot`, the events they
 * cover) are deleted once a new snapshot is saved.
 */
export interface RetentionCriteria {
  readonly snapshotEveryNEvents: number;
  readonly keepNSnapshots: number;
  readonly deleteEventsOnSnapshot: boolean;
  withDeleteEventsOnSnapshot(): RetentionCriteria;
}

function criteria(every: number, keep: number, deleteEvents: boolean): RetentionCriteria {
  return {
    snapshotEveryNEvents: every,
    keepNSnapshots: keep,
    deleteEventsOnSnapshot: deleteEvents,
    withDeleteEventsOnSnapshot: () => criteria(every, keep, true),
  };
}

export const RetentionCriteria = {
  snapshotEvery(numberOfEvents: number, keepNSnapshots: number): RetentionCriteria {
    return criteria(
      requireNumber('snapshotEvery numberOfEvents', numberOfEvents, { min: 1, integer: true }),
      requireNumber('snapshotEvery keepNSnapshots', keepNSnapshots, { min: 1, integer: true }),
      false,
    );
  },
} as const;

/** Sequence nrs up to which snapshots (and events, if asked) can go after a snapshot at `sequenceNr`. */
/** True when `sequenceNr` is one of the points where `retention` takes a snapshot. */
export function isRetentionPoint(retention: RetentionCriteria | undefined, sequenceNr: number): boolean {
  return retention !== undefined && sequenceNr > 0 && sequenceNr % retention.snapshotEveryNEvents === 0;
}

export function retentionUpperBound(retention: RetentionCriteria, sequenceNr: number): number {
  return Math.max(0, sequenceNr - retention.snapshotEveryNEvents * retention.keepNSnapshots);
}
