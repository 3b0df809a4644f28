import type { SnapshotMetadata, SnapshotSelectionCriteria } from '../spi/SnapshotStore.js';
import type { EventRejected } from './errors.js';
import type { RecoveryCompleted } from './responses.js';

/** Lifecycle notifications for an `eventSourced` actor's `signalHandler` (Akka Typed's names). */
export type EventSourcedSignal =
  | RecoveryCompleted
  | { readonly type: 'RecoveryFailed'; readonly error: Error }
  | { readonly type: 'SnapshotCompleted'; readonly metadata: SnapshotMetadata }
  | { readonly type: 'SnapshotFailed'; readonly metadata: SnapshotMetadata; readonly error: unknown }
  | { readonly type: 'DeleteEventsCompleted'; readonly toSequenceNr: number }
  | { readonly type: 'DeleteEventsFailed'; readonly toSequenceNr: number; readonly error: unknown }
  | { readonly type: 'DeleteSnapshotsCompleted'; readonly criteria: SnapshotSelectionCriteria }
  | { readonly type: 'DeleteSnapshotsFailed'; readonly criteria: SnapshotSelectionCriteria; readonly error: unknown }
  /** An event was refused by the serializer or the store: not stored, state unchanged, no side effects. */
  | { readonly type: 'EventRejected'; readonly error: EventRejected; readonly event: unknown; readonly sequenceNr: number };
