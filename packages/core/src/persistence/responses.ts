import type { SnapshotMetadata, SnapshotSelectionCriteria } from '../spi/SnapshotStore.js';

/**
 * Outcomes of a persistent actor's snapshot and delete requests. The classic `PersistentActor`
 * receives them in `receiveCommand`; `eventSourced` maps them to its signals.
 */
export type PersistenceResponse =
  | { readonly type: 'SaveSnapshotSuccess'; readonly metadata: SnapshotMetadata }
  | { readonly type: 'SaveSnapshotFailure'; readonly metadata: SnapshotMetadata; readonly cause: unknown }
  | { readonly type: 'DeleteMessagesSuccess'; readonly toSequenceNr: number }
  | { readonly type: 'DeleteMessagesFailure'; readonly toSequenceNr: number; readonly cause: unknown }
  | { readonly type: 'DeleteSnapshotSuccess'; readonly metadata: SnapshotMetadata }
  | { readonly type: 'DeleteSnapshotFailure'; readonly metadata: SnapshotMetadata; readonly cause: unknown }
  | { readonly type: 'DeleteSnapshotsSuccess'; readonly criteria: SnapshotSelectionCriteria }
  | { readonly type: 'DeleteSnapshotsFailure'; readonly criteria: SnapshotSelectionCriteria; readonly cause: unknown };

/** Offered to the classic `receiveRecover` when recovery starts from a snapshot. */
export interface SnapshotOffer<S = unknown> {
  readonly type: 'SnapshotOffer';
  readonly metadata: SnapshotMetadata;
  readonly snapshot: S;
}

/** Delivered once recovery has replayed everything: to `receiveRecover`, or as a signal. */
export interface RecoveryCompleted {
  readonly type: 'RecoveryCompleted';
}

export const RecoveryCompleted: RecoveryCompleted = Object.freeze({ type: 'RecoveryCompleted' });
