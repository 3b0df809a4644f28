import { InvalidArgument, requireNumber } from '../errors/index.js';
import type { ActorContext } from './ActorContext.js';
import {
  type Behavior,
  type MessageHandler,
  type SignalHandler,
  emptyBehavior,
  ignoreBehavior,
  ReceiveBehavior,
  sameBehavior,
  SetupBehavior,
  stoppedBehavior,
  SuperviseBehavior,
  unhandledBehavior,
  WithStashBehavior,
  WithTimersBehavior,
} from './Behavior.js';
import type { StashBuffer } from './StashBuffer.js';
import type { SupervisorStrategy } from './SupervisorStrategy.js';
import type { TimerScheduler } from './TimerScheduler.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/** Chooses what happens when the supervised behavior fails. */
export interface Supervise<T> {
  /** For every failure. */
  onFailure(strategy: SupervisorStrategy): Behavior<T>;
  /** Only for failures that are instances of `errorClass` (others go to the next supervisor out). */
  onFailure(errorClass: ErrorClass, strategy: SupervisorStrategy): Behavior<T>;
}

/** Factories for behaviors, in Akka Typed's vocabulary. */
export const Behaviors = {
  /** Runs `factory` when the actor starts (and on every restart) to build its behavior. */
  setup<T>(factory: (ctx: ActorContext<T>) => Behavior<T> | Promise<Behavior<T>>): Behavior<T> {
    return new SetupBehavior(factory);
  },

  /** Handles messages and, optionally, signals (PostStop, PreRestart, Terminated). */
  receive<T>(onMessage: MessageHandler<T>, onSignal?: SignalHandler<T>): Behavior<T> {
    return new ReceiveBehavior(onMessage, onSignal);
  },

  /** Handles messages only; the handler does not need the context. */
  receiveMessage<T>(
    onMessage: (message: T) => ReturnType<MessageHandler<T>>,
  ): Behavior<T> {
    return new ReceiveBehavior<T>((_ctx, message) => onMessage(message), undefined);
  },

  /** Handles signals only; every message is unhandled. */
  receiveSignal<T>(onSignal: SignalHandler<T>): Behavior<T> {
    return new ReceiveBehavior<T>(undefined, onSignal);
  },

  /** Keep the current behavior. Returning nothing from a handler means the same. */
  same: sameBehavior,
  /** The message was not for this behavior: it is published as unhandled and the behavior stays. */
  unhandled: unhandledBehavior,
  /** Stop this actor (children first, then PostStop). */
  stopped: stoppedBehavior,
  /** Treats every message as unhandled. */
  empty: emptyBehavior,
  /** Drops every message silently. */
  ignore: ignoreBehavior,

  supervise<T>(behavior: Behavior<T>): Supervise<T> {
    return {
      onFailure(
        classOrStrategy: ErrorClass | SupervisorStrategy,
        maybeStrategy?: SupervisorStrategy,
      ): Behavior<T> {
        if (typeof classOrStrategy === 'function') {
          if (maybeStrategy === undefined) {
            throw new InvalidArgument('supervise onFailure strategy', maybeStrategy, 'a SupervisorStrategy');
          }
          const errorClass = classOrStrategy;
          return new SuperviseBehavior(behavior, maybeStrategy, (error) => error instanceof errorClass);
        }
        return new SuperviseBehavior(behavior, classOrStrategy, () => true);
      },
    } as Supervise<T>;
  },

  /** Gives the behavior keyed timers; they are cancelled when the actor stops or restarts. */
  withTimers<T>(factory: (timers: TimerScheduler<T>) => Behavior<T>): Behavior<T> {
    return new WithTimersBehavior(factory);
  },

  /** Gives the behavior a stash holding at most `capacity` messages (more: StashOverflow). */
  withStash<T>(capacity: number, factory: (stash: StashBuffer<T>) => Behavior<T>): Behavior<T> {
    requireNumber('stash capacity', capacity, { min: 0, integer: true });
    return new WithStashBehavior(capacity, factory);
  },
} as const;
