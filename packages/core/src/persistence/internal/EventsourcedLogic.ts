import type { EventAdapter } from '../../serialization/EventAdapter.js';
import type { SnapshotMetadata, SnapshotSelectionCriteria } from '../../spi/SnapshotStore.js';
import type { EventRejected, JournalFailure, PersistFailure } from '../errors.js';
import type { Recovery } from '../Recovery.js';
import type { PersistenceResponse } from '../responses.js';
import type { WriteOutcome } from './JournalBatcher.js';

export interface PersistOptions<E> {
  /** Hold back commands until the write's handlers ran (persist) or not (persistAsync). */
  readonly stashing: boolean;
  /** Runs for each event once it is stored, in order. */
  readonly onEvent?: (event: E, sequenceNr: number) => void;
  /** Runs after the write's last event was handled (stored) or reported (rejected). */
  readonly onDone?: (outcome: WriteOutcome) => void;
  /**
   * Runs once if the events are not stored: rejected (before onDone), failed, or left unsent or
   * unconfirmed when the incarnation ended; then possibly after the actor stopped, when the
   * journal answers a write that was in flight.
   */
  readonly onFailure?: ((error: PersistFailure) => void) | undefined;
}

/** What the engine offers a front door while the actor runs. */
export interface RunningApi<C, E> {
  /** Sequence nr of the last event stored (or rejected). */
  readonly lastSequenceNr: number;
  /** Sequence nr of the last snapshot saved or recovered (0 if none). */
  readonly snapshotSequenceNr: number;
  persist(events: readonly E[], options: PersistOptions<E>): void;
  /** Runs `handler` after every earlier persist handler (at once if none is pending). */
  defer(stashing: boolean, handler: () => void): void;
  stashByUser(command: C): void;
  unstashAllByUser(): void;
  /** `blocking`: hold back commands until saved (what retention needs). `then` runs after the response. */
  saveSnapshot(snapshot: unknown, options?: { readonly blocking?: boolean; readonly then?: () => void }): void;
  deleteMessages(toSequenceNr: number): void;
  deleteSnapshot(sequenceNr: number): void;
  deleteSnapshots(criteria: SnapshotSelectionCriteria): void;
  /** Stop once the current command's work is done. */
  stop(): void;
}

/**
 * The user side of a persistent actor as the engine sees it. Both front doors implement it: the
 * functional `eventSourced` (command handler returning Effects) and the classic `PersistentActor`.
 * One instance per incarnation; the engine calls it only from the actor's own turn.
 */
export interface EventsourcedLogic<C, E> {
  readonly persistenceId: string;
  readonly recovery: Recovery;
  readonly eventAdapter: EventAdapter<E, unknown>;
  readonly tagger: ((event: E) => readonly string[]) | undefined;

  onSnapshotOffer(snapshot: unknown, metadata: SnapshotMetadata): void;
  onReplayedEvent(event: E, sequenceNr: number): void;
  onRecoveryCompleted(api: RunningApi<C, E>): void;
  /** Told before the actor fails with `error` (a RecoveryFailed or RecoveryTimedOut). */
  onRecoveryFailure(error: Error): void;

  onCommand(command: C, api: RunningApi<C, E>): void;
  onResponse(response: PersistenceResponse, api: RunningApi<C, E>): void;
  /** Told before the actor fails with `error`. */
  onPersistFailure(error: JournalFailure, event: E, sequenceNr: number): void;
  onPersistRejected(error: EventRejected, event: E, sequenceNr: number): void;
  onStop(): void;
  /** The state as the user sees it (for the test kit and tools). */
  currentState(): unknown;
}
