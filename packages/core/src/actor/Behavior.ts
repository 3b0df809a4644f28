import type { ActorContext } from './ActorContext.js';
import type { Signal } from './Signal.js';
import type { StashBuffer } from './StashBuffer.js';
import type { SupervisorStrategy } from './SupervisorStrategy.js';
import type { TimerScheduler } from './TimerScheduler.js';

/** What a handler returns: the next behavior, or nothing to keep the current one. */
export type BehaviorResult<T> = Behavior<T> | undefined | void;

/**
 * A message handler. It may be async: until its Promise settles the actor takes no other message,
 * so messages are handled one at a time, in order.
 */
export type MessageHandler<T> = (
  ctx: ActorContext<T>,
  message: T,
) => BehaviorResult<T> | Promise<BehaviorResult<T>>;

export type SignalHandler<T> = (
  ctx: ActorContext<T>,
  signal: Signal,
) => BehaviorResult<T> | Promise<BehaviorResult<T>>;

/**
 * How an actor reacts to the messages of type T it receives, built with `Behaviors`. Immutable: a
 * behavior can be spawned many times.
 */
export abstract class Behavior<in T> {
  /** Discriminates the kinds below; internal to the runtime. */
  abstract readonly tag: BehaviorTag;
  // Makes Behavior<T> contravariant in T, like ActorRef<T>: a behavior accepting any message can
  // stand where one accepting only some is expected, never the other way round.
  declare protected readonly accepts?: (message: T) => void;
}

export type BehaviorTag =
  | 'receive'
  | 'setup'
  | 'same'
  | 'unhandled'
  | 'stopped'
  | 'empty'
  | 'ignore'
  | 'supervise'
  | 'withTimers'
  | 'withStash';

export class ReceiveBehavior<T> extends Behavior<T> {
  readonly tag = 'receive';

  constructor(
    readonly onMessage: MessageHandler<T> | undefined,
    readonly onSignal: SignalHandler<T> | undefined,
  ) {
    super();
  }
}

export class SetupBehavior<T> extends Behavior<T> {
  readonly tag = 'setup';

  constructor(readonly factory: (ctx: ActorContext<T>) => Behavior<T> | Promise<Behavior<T>>) {
    super();
  }
}

export class SuperviseBehavior<T> extends Behavior<T> {
  readonly tag = 'supervise';

  constructor(
    readonly inner: Behavior<T>,
    readonly strategy: SupervisorStrategy,
    readonly appliesTo: (error: Error) => boolean,
  ) {
    super();
  }
}

export class WithTimersBehavior<T> extends Behavior<T> {
  readonly tag = 'withTimers';

  constructor(readonly factory: (timers: TimerScheduler<T>) => Behavior<T>) {
    super();
  }
}

export class WithStashBehavior<T> extends Behavior<T> {
  readonly tag = 'withStash';

  constructor(
    readonly capacity: number,
    readonly factory: (stash: StashBuffer<T>) => Behavior<T>,
  ) {
    super();
  }
}

class MarkerBehavior extends Behavior<unknown> {
  constructor(readonly tag: 'same' | 'unhandled' | 'stopped' | 'empty' | 'ignore') {
    super();
  }
}

export const sameBehavior: Behavior<unknown> = new MarkerBehavior('same');
export const unhandledBehavior: Behavior<unknown> = new MarkerBehavior('unhandled');
export const stoppedBehavior: Behavior<unknown> = new MarkerBehavior('stopped');
export const emptyBehavior: Behavior<unknown> = new MarkerBehavior('empty');
export const ignoreBehavior: Behavior<unknown> = new MarkerBehavior('ignore');
