import type { ActorContext } from '../actor/ActorContext.js';
import type { StateTimeout } from './StateTimeout.js';
import type { Transition } from './Transition.js';

/**
 * What a state handler gets as its third argument: the transitions to return (typed with the
 * FSM's states, events and data) and what it may look at.
 */
export interface Fsm<C, E, S extends string, D> {
  readonly stateName: S;
  readonly ctx: ActorContext<C>;
  /** Moves to `state` (stored even when it is the current state; `onTransition` then runs). */
  goto(state: S): Transition<S, E, D, C>;
  /** Stays in the current state; stores nothing but the events it applies, unless timers change. */
  stay(): Transition<S, E, D, C>;
  /** Stops the actor once the transition's events are stored and its side effects ran. */
  stop(): Transition<S, E, D, C>;
  /** True while the named timer is pending (as stored). */
  isTimerActive(name: string): boolean;
  /**
   * With `atLeastOnceDelivery`: throws MaxUnconfirmedMessagesExceeded when the data holds
   * `maxUnconfirmedMessages` unconfirmed deliveries; call it before applying an event that
   * records one more.
   */
  ensureDeliveryCapacity(destination: { readonly path: string } | string): void;
}

/**
 * Handles one message in one state: returns a transition, or undefined when the message is not for
 * this state (then `whenUnhandled`, if given, gets it).
 */
export type FsmHandler<C, E, S extends string, D> = (
  message: C | StateTimeout,
  data: D,
  fsm: Fsm<C, E, S, D>,
) => Transition<S, E, D, C> | undefined;
