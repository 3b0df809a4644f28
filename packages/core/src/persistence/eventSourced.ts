import type { ActorContext } from '../actor/ActorContext.js';
import type { Behavior } from '../actor/Behavior.js';
import type { SupervisorStrategy } from '../actor/SupervisorStrategy.js';
import type { EventAdapter } from '../serialization/EventAdapter.js';
import type { Effect } from './Effect.js';
import type { EventSourcedSignal } from './EventSourcedSignal.js';
import { eventsourcedBehavior } from './internal/eventsourcedBehavior.js';
import { eventSourcedSupervision } from './internal/eventSourcedSupervision.js';
import { FunctionalLogic } from './internal/FunctionalLogic.js';
import type { Recovery, RecoveryOptions } from './Recovery.js';
import type { RetentionCriteria } from './RetentionCriteria.js';

/** Everything that defines an event-sourced actor (Akka Typed's EventSourcedBehavior). */
export interface EventSourcedSettings<C, E, S> {
  /** Identifies the actor's events across incarnations; one live writer per id. */
  readonly persistenceId: string;
  readonly emptyState: S;
  /** Decides what a command does: returns an Effect (persist events, reply, stash, stop...). */
  readonly commandHandler: (state: S, command: C, ctx: ActorContext<C>) => Effect<E, S>;
  /** Applies one event to the state: pure and deterministic, used live and during recovery. */
  readonly eventHandler: (state: S, event: E) => S;
  /** Tags stored with each event (for eventsByTag and projections). */
  readonly tagger?: (event: E) => readonly string[];
  /** Automatic snapshots every N events, keeping the latest ones. */
  readonly retention?: RetentionCriteria;
  /** Also snapshot after an event when this returns true. */
  readonly snapshotWhen?: (state: S, event: E, sequenceNr: number) => boolean;
  /** `Recovery.default()` (the default), `Recovery.none()`, or `{ toSequenceNr, replayMax, fromSnapshot }`. */
  readonly recovery?: Recovery | RecoveryOptions;
  /** Manifest, versioning and upcasting of events (default: manifest = the event's `type`). */
  readonly eventAdapter?: EventAdapter<E, unknown>;
  readonly signalHandler?: (state: S, signal: EventSourcedSignal, ctx: ActorContext<C>) => void;
  /**
   * Supervision for storage trouble (JournalFailure, RecoveryFailed, RecoveryTimedOut), typically
   * `SupervisorStrategy.restartWithBackoff(...)`: the actor stops on such a failure and comes back
   * after the backoff, recovering what was stored. Without it, it stays stopped.
   */
  readonly onPersistFailure?: SupervisorStrategy;
}

/**
 * An actor whose state is the fold of its events: commands become events through the command
 * handler, events become state through the event handler, and the state survives restarts because
 * every accepted event is in the journal first.
 */
export function eventSourced<C, E, S>(settings: EventSourcedSettings<C, E, S>): Behavior<C> {
  return eventSourcedSupervision(
    eventsourcedBehavior<C, E>((ctx) => new FunctionalLogic<C, E, S>(settings, ctx)),
    settings.onPersistFailure,
  );
}
