import type { Behavior } from './Behavior.js';

/**
 * Messages put aside to be handled later (e.g. while waiting for a resource), bounded by a
 * capacity. Stashing into a full buffer throws `StashOverflow`, which fails the actor.
 */
export interface StashBuffer<T> {
  readonly capacity: number;
  readonly size: number;
  readonly isEmpty: boolean;
  readonly isFull: boolean;
  stash(message: T): void;
  /**
   * Returns `behavior`, to be returned from the handler, after queueing every stashed message to be
   * handled by it before any message still in the mailbox, in the order they were stashed.
   */
  unstashAll(behavior: Behavior<T>): Behavior<T>;
  /** Drops every stashed message (they go to dead letters). */
  clear(): void;
}
