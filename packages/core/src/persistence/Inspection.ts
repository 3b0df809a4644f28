import type { SnapshotMetadata } from '../spi/SnapshotStore.js';

/**
 * What persistent actors report as they work, for tests, tools and monitoring
 * (`Persistence.get(system).inspect(listener)`). Every event names the persistenceId, the actor
 * and the phase it happened in; listeners are called synchronously and must not throw.
 */
export type InspectionEvent = InspectionDetail & {
  readonly persistenceId: string;
  readonly actor: string;
  readonly phase: 'RequestingRecoveryPermit' | 'ReplayingSnapshot' | 'ReplayingEvents' | 'Running';
};

type InspectionDetail =
  | {
      readonly type: 'RecoveryCompleted';
      readonly sequenceNr: number;
      readonly eventsReplayed: number;
      readonly fromSnapshot: number;
      readonly durationMs: number;
    }
  | { readonly type: 'RecoveryFailed'; readonly error: Error }
  | {
      readonly type: 'EventsStored';
      readonly events: readonly unknown[];
      readonly firstSequenceNr: number;
    }
  | { readonly type: 'EventRejected'; readonly sequenceNr: number; readonly error: Error }
  | { readonly type: 'SnapshotSaved'; readonly metadata: SnapshotMetadata };

export type InspectionListener = (event: InspectionEvent) => void;
