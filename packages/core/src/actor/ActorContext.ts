import type { ActorRef } from './ActorRef.js';
import type { ActorSystem } from './ActorSystem.js';
import type { Behavior } from './Behavior.js';
import type { Logger } from './Logger.js';
import type { Cancellable } from './Scheduler.js';

/**
 * What a behavior can do while handling a message: its own ref, children, watching, logging, and
 * scheduling. Only valid inside the actor's own handlers.
 */
export interface ActorContext<T> {
  readonly self: ActorRef<T>;
  readonly name: string;
  readonly system: ActorSystem;
  /** Logger bound to this actor's path. */
  readonly log: Logger;

  /** Spawns a child; `name` must be unique among this actor's live children. */
  spawn<U>(behavior: Behavior<U>, name: string): ActorRef<U>;
  /** Spawns a child with a generated name (`$a`, `$b`, ...). */
  spawnAnonymous<U>(behavior: Behavior<U>): ActorRef<U>;
  /** Stops a child of this actor (children first, then PostStop). Anything else is an error. */
  stop(child: ActorRef<never>): void;
  readonly children: readonly ActorRef<never>[];
  child(name: string): ActorRef<never> | undefined;

  /** Delivers a `Terminated` signal when `ref` stops (at once if it already has). */
  watch(ref: ActorRef<never>): void;
  /** Like `watch`, but delivers `message` instead of the signal. */
  watchWith(ref: ActorRef<never>, message: T): void;
  unwatch(ref: ActorRef<never>): void;

  /** A ref that turns U messages into T messages (run inside this actor) for other protocols. */
  messageAdapter<U>(adapt: (message: U) => T): ActorRef<U>;
  /** Sends this actor the mapped outcome of `promise`; the mapping runs inside this actor. */
  pipeToSelf<V>(promise: Promise<V>, onSuccess: (value: V) => T, onFailure: (error: unknown) => T): void;
  /** Sends `message` to `target` after `delayMs` of the system's clock. */
  scheduleOnce<U>(delayMs: number, target: ActorRef<U>, message: U): Cancellable;
}
