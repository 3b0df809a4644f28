import type { ActorContext } from '../actor/ActorContext.js';
import type { EventEnvelope } from '../query/EventEnvelope.js';
import type { ViewOptions } from './ViewOptions.js';

/** What a functional view's command handler may use besides its state. */
export interface ViewContext<C> {
  readonly ctx: ActorContext<C>;
  /** Sequence nr of the last event applied (of its own persistenceId, when following a tag). */
  readonly lastSequenceNr: number;
  /** Envelopes applied up to the latest snapshot saved or recovered (0: none). */
  readonly snapshotSequenceNr: number;
  /** Saves the current state with the position read so far. */
  saveSnapshot(): void;
}

/** A persistent view as settings: `persistentView({ viewId, persistenceId, initialState, eventHandler })`. */
export interface PersistentViewSettings<C, E, S> extends ViewOptions<E> {
  /** The state before the first event (and when there is no snapshot). */
  readonly initialState: S;
  /** Applies one event to the state; the envelope carries its persistenceId, sequence nr and offset. */
  readonly eventHandler: (state: S, event: E, envelope: EventEnvelope<E>) => S;
  /** Handles a command (typically a query of the state): returns the next state, or nothing to keep it. */
  readonly commandHandler?: (state: S, command: C, view: ViewContext<C>) => S | undefined | void;
  /** Saves a snapshot (state and position) after every N applied events. Default: never. */
  readonly snapshotEvery?: number;
}
