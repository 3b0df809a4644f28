import type { ActorContext } from '../actor/ActorContext.js';
import type { ActorRef } from '../actor/ActorRef.js';
import type { Behavior } from '../actor/Behavior.js';
import type { Logger } from '../actor/Logger.js';
import type { SupervisorStrategy } from '../actor/SupervisorStrategy.js';
import type { EventAdapter } from '../serialization/EventAdapter.js';
import type { SnapshotSelectionCriteria } from '../spi/SnapshotStore.js';
import type { EventRejected, JournalFailure } from './errors.js';
import { IllegalPersistenceOperation } from './errors.js';
import { eventSourcedSupervision } from './internal/eventSourcedSupervision.js';
import { ClassicLogic, bindingKey, type ClassicBinding } from './internal/ClassicLogic.js';
import { eventsourcedBehavior } from './internal/eventsourcedBehavior.js';
import { Recovery } from './Recovery.js';
import type { PersistenceResponse, RecoveryCompleted, SnapshotOffer } from './responses.js';

/**
 * The classic persistent actor, as in Akka / Akka.NET: `receiveRecover` rebuilds the state from a
 * SnapshotOffer and the replayed events, `receiveCommand` handles commands and calls `persist`,
 * whose handler runs once the event is stored. Spawn it with `persistentActor(() => new MyActor())`.
 *
 * Ordering, as in Akka: commands arriving while a `persist` handler is pending are stashed until
 * it ran; `persistAsync` does not stash but its handlers run in order; `defer` runs after every
 * earlier persist handler. `receiveCommand` must be synchronous (use `context.pipeToSelf`).
 */
export abstract class PersistentActor<C, E = unknown> {
  abstract readonly persistenceId: string;
  /** Override to recover differently (e.g. `Recovery.none()` or up to a sequence nr). */
  readonly recovery: Recovery = Recovery.default();
  /** Override for manifests, versioning and upcasting of events. */
  readonly eventAdapter: EventAdapter<E, unknown> | undefined = undefined;
  #binding: ClassicBinding<C, E> | undefined;

  /** Replayed events, then `SnapshotOffer` (first, if any) and `RecoveryCompleted` (last). */
  abstract receiveRecover(message: E | SnapshotOffer | RecoveryCompleted): void;
  /** Commands, and the responses to saveSnapshot / deleteMessages / deleteSnapshots. */
  abstract receiveCommand(message: C | PersistenceResponse): void;

  /** Tags to store with an event (override). */
  tagger(_event: E): readonly string[] {
    return [];
  }

  /**
   * The journal failed to store `event`; the actor stops (or restarts under `onPersistFailure`)
   * right after this, and the persist handler never runs. Default: nothing (it is logged).
   *
   * This is where a caller waiting for the command that persisted `event` can be answered: keep
   * its replyTo where this hook finds it (e.g. in a field set before `persist`). Only the first
   * event that failed is reported: writes queued behind it (persistAsync) fail unreported, and so
   * does a write still in flight when the actor stops. `eventSourced` answers each of them with
   * `Effect.onFailure`.
   */
  onPersistFailure(_cause: JournalFailure, _event: E, _sequenceNr: number): void {}

  /**
   * `event` was rejected (not stored); the actor goes on and the persist handler does not run for
   * it. Called once per rejected event, in order, so a caller waiting for the command can be
   * answered from here. Default: nothing (it is logged).
   */
  onPersistRejected(_cause: EventRejected, _event: E, _sequenceNr: number): void {}

  /** Recovery failed; the actor stops right after this. Default: nothing (it is logged). */
  onRecoveryFailure(_cause: Error): void {}

  /** Called when the actor stops or restarts. */
  postStop(): void {}

  get context(): ActorContext<C> {
    return this.binding('context').ctx;
  }

  get self(): ActorRef<C> {
    return this.context.self;
  }

  get log(): Logger {
    return this.context.log;
  }

  get isRecovering(): boolean {
    return this.binding('isRecovering').api === undefined;
  }

  /** Sequence nr of the last event stored (or replayed, during recovery). */
  get lastSequenceNr(): number {
    const binding = this.binding('lastSequenceNr');
    return binding.api?.lastSequenceNr ?? binding.recoveredSequenceNr;
  }

  get snapshotSequenceNr(): number {
    const binding = this.binding('snapshotSequenceNr');
    return binding.api?.snapshotSequenceNr ?? binding.recoveredSnapshotSequenceNr;
  }

  /** Stores `event`, then runs `handler`; commands wait until it ran. */
  protected persist<T extends E>(event: T, handler: (event: T) => void): void {
    this.persistAll([event], handler);
  }

  /** Stores `events` atomically, then runs `handler` for each; commands wait until all ran. */
  protected persistAll<T extends E>(events: readonly T[], handler: (event: T) => void): void {
    this.api('persistAll').persist(events, { stashing: true, onEvent: (event) => handler(event as T) });
  }

  /** Stores `event` without holding back commands; handlers still run in order. */
  protected persistAsync<T extends E>(event: T, handler: (event: T) => void): void {
    this.persistAllAsync([event], handler);
  }

  protected persistAllAsync<T extends E>(events: readonly T[], handler: (event: T) => void): void {
    this.api('persistAllAsync').persist(events, { stashing: false, onEvent: (event) => handler(event as T) });
  }

  /** Runs `handler(event)` after every earlier persist handler, holding back commands meanwhile. `event` is not stored. */
  protected defer<T>(event: T, handler: (event: T) => void): void {
    this.api('defer').defer(true, () => handler(event));
  }

  /** Like `defer`, without holding back commands. */
  protected deferAsync<T>(event: T, handler: (event: T) => void): void {
    this.api('deferAsync').defer(false, () => handler(event));
  }

  /** Saves a snapshot at `lastSequenceNr`; SaveSnapshotSuccess / SaveSnapshotFailure follows. */
  protected saveSnapshot(snapshot: unknown): void {
    this.api('saveSnapshot').saveSnapshot(snapshot);
  }

  /** Deletes events up to `toSequenceNr`; DeleteMessagesSuccess / DeleteMessagesFailure follows. */
  protected deleteMessages(toSequenceNr: number): void {
    this.api('deleteMessages').deleteMessages(toSequenceNr);
  }

  protected deleteSnapshot(sequenceNr: number): void {
    this.api('deleteSnapshot').deleteSnapshot(sequenceNr);
  }

  protected deleteSnapshots(criteria: SnapshotSelectionCriteria): void {
    this.api('deleteSnapshots').deleteSnapshots(criteria);
  }

  /** Puts the current command aside until `unstashAll()`. */
  protected stash(): void {
    const binding = this.binding('stash');
    if (binding.current === undefined) {
      throw new IllegalPersistenceOperation(this.persistenceId, 'stash() is only possible while handling a command');
    }
    this.api('stash').stashByUser(binding.current);
  }

  protected unstashAll(): void {
    this.api('unstashAll').unstashAllByUser();
  }

  /** Stops the actor once the current command's work is done. */
  protected stopSelf(): void {
    this.api('stopSelf').stop();
  }

  /** @internal Connects the instance to its actor when the engine starts it. */
  [bindingKey](binding: ClassicBinding<C, E>): void {
    this.#binding = binding;
  }

  private binding(what: string): ClassicBinding<C, E> {
    if (this.#binding === undefined) {
      throw new IllegalPersistenceOperation(
        String(this.persistenceId),
        `${what} is only available once the actor runs (spawn it with persistentActor(() => new ...))`,
      );
    }
    return this.#binding;
  }

  private api(what: string) {
    const api = this.binding(what).api;
    if (api === undefined) {
      throw new IllegalPersistenceOperation(this.persistenceId, `${what} is not allowed during recovery`);
    }
    return api;
  }
}

export interface PersistentActorOptions {
  /** As in `eventSourced`: supervision for JournalFailure / RecoveryFailed / RecoveryTimedOut. */
  readonly onPersistFailure?: SupervisorStrategy;
}

/** The behavior of a classic persistent actor; `create` makes a fresh instance per incarnation. */
export function persistentActor<C, E>(create: () => PersistentActor<C, E>, options: PersistentActorOptions = {}): Behavior<C> {
  return eventSourcedSupervision(
    eventsourcedBehavior<C, E>((ctx) => new ClassicLogic<C, E>(create(), ctx)),
    options.onPersistFailure,
  );
}
