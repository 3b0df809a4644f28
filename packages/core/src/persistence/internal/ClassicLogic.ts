import type { ActorContext } from '../../actor/ActorContext.js';
import { EventAdapters, type EventAdapter } from '../../serialization/EventAdapter.js';
import type { SnapshotMetadata } from '../../spi/SnapshotStore.js';
import type { EventRejected, JournalFailure } from '../errors.js';
import { IllegalPersistenceOperation } from '../errors.js';
import type { PersistentActor } from '../PersistentActor.js';
import type { Recovery } from '../Recovery.js';
import { RecoveryCompleted, type PersistenceResponse } from '../responses.js';
import type { EventsourcedLogic, RunningApi } from './EventsourcedLogic.js';

/** Key of the method through which the engine connects a PersistentActor instance to its actor. */
export const bindingKey = Symbol('engram.persistentActor.bind');

/** What a PersistentActor instance reaches through its binding. */
export interface ClassicBinding<C, E> {
  readonly ctx: ActorContext<C>;
  /** Set once recovery completed. */
  api: RunningApi<C, E> | undefined;
  recoveredSequenceNr: number;
  recoveredSnapshotSequenceNr: number;
  /** The command being handled (for stash()). */
  current: C | undefined;
  /**
   * Set by core subclasses that keep runtime state beside the user's (AtLeastOnceDeliveryActor):
   * called once recovery is done, before RecoveryCompleted reaches receiveRecover, and when the
   * incarnation stops, before postStop (which a user may override without calling super).
   */
  onRunning?: () => void;
  onStop?: () => void;
}

/** The classic front door: routes the engine's calls to a PersistentActor instance. */
export class ClassicLogic<C, E> implements EventsourcedLogic<C, E> {
  readonly persistenceId: string;
  readonly recovery: Recovery;
  readonly eventAdapter: EventAdapter<E, unknown>;
  readonly tagger: (event: E) => readonly string[];
  private readonly binding: ClassicBinding<C, E>;

  constructor(
    private readonly actor: PersistentActor<C, E>,
    ctx: ActorContext<C>,
  ) {
    this.binding = { ctx, api: undefined, recoveredSequenceNr: 0, recoveredSnapshotSequenceNr: 0, current: undefined };
    actor[bindingKey](this.binding);
    this.persistenceId = actor.persistenceId;
    this.recovery = actor.recovery;
    this.eventAdapter = actor.eventAdapter ?? EventAdapters.identity<E>();
    this.tagger = (event) => actor.tagger(event);
  }

  onSnapshotOffer(snapshot: unknown, metadata: SnapshotMetadata): void {
    this.binding.recoveredSequenceNr = metadata.sequenceNr;
    this.binding.recoveredSnapshotSequenceNr = metadata.sequenceNr;
    this.actor.receiveRecover({ type: 'SnapshotOffer', metadata, snapshot });
  }

  onReplayedEvent(event: E, sequenceNr: number): void {
    this.binding.recoveredSequenceNr = sequenceNr;
    this.actor.receiveRecover(event);
  }

  onRecoveryCompleted(api: RunningApi<C, E>): void {
    this.binding.api = api;
    this.binding.onRunning?.();
    this.actor.receiveRecover(RecoveryCompleted);
  }

  onRecoveryFailure(error: Error): void {
    this.actor.onRecoveryFailure(error);
  }

  onCommand(command: C, api: RunningApi<C, E>): void {
    this.binding.current = command;
    try {
      this.receive(command, api);
    } finally {
      this.binding.current = undefined;
    }
  }

  onResponse(response: PersistenceResponse, api: RunningApi<C, E>): void {
    this.receive(response, api);
  }

  private receive(message: C | PersistenceResponse, _api: RunningApi<C, E>): void {
    const result: unknown = this.actor.receiveCommand(message);
    if (result instanceof Promise) {
      throw new IllegalPersistenceOperation(
        this.persistenceId,
        'receiveCommand returned a Promise: it must be synchronous (use context.pipeToSelf for async work)',
      );
    }
  }

  onPersistFailure(error: JournalFailure, event: E, sequenceNr: number): void {
    this.actor.onPersistFailure(error, event, sequenceNr);
  }

  onPersistRejected(error: EventRejected, event: E, sequenceNr: number): void {
    this.actor.onPersistRejected(error, event, sequenceNr);
  }

  onStop(): void {
    this.binding.onStop?.();
    this.actor.postStop();
  }

  /** A classic actor keeps its own state in its fields: the instance is the state. */
  currentState(): unknown {
    return this.actor;
  }
}
