import type { ActorRef } from '../actor/ActorRef.js';
import { InvalidArgument, requireNumber } from '../errors/index.js';

export type TransitionKind = 'goto' | 'stay' | 'stop';

/** A named timer started or cancelled by a transition, in the order the handler asked for it. */
export type TimerChange<C> =
  | { readonly kind: 'start'; readonly name: string; readonly message: C; readonly delayMs: number; readonly repeat: boolean }
  | { readonly kind: 'cancel'; readonly name: string };

/** @internal */
export type TransitionSideEffect<D> =
  | { readonly kind: 'run'; readonly run: (data: D) => void }
  | { readonly kind: 'reply'; readonly to: ActorRef<never>; readonly message: unknown };

/**
 * What a state handler decides, built from `goto(state)`, `stay()` or `stop()` (the handler's
 * third argument) and read left to right: the events are stored first (with the state change and
 * the timers, in one atomic write), then the side effects run with the data after the events.
 * Immutable: each method returns a new transition.
 */
export interface Transition<S extends string, E, D, C> {
  readonly kind: TransitionKind;
  /** The state `goto` moves to (undefined for stay and stop). */
  readonly target: S | undefined;
  readonly events: readonly E[];
  /** Domain events to persist; `applyEvent` folds each into the data. */
  applying(...events: readonly E[]): Transition<S, E, D, C>;
  /** Runs `run` with the data after the events, once everything is stored (not during recovery). */
  andThen(run: (data: D) => void): Transition<S, E, D, C>;
  /** Sends `replyTo` the message once everything is stored. */
  replying<const R>(replyTo: ActorRef<R>, message: NoInfer<R>): Transition<S, E, D, C>;
  /**
   * The longest the FSM stays in the state: a `StateTimeout` arrives after `timeoutMs` unless it
   * left the state first. The deadline is stored as wall-clock time with the transition, so after
   * a restart it fires when it was due (at once if that moment passed while the actor was down).
   * `Infinity` cancels a running timeout. On `goto` without `forMax` the new state has no timeout;
   * on `stay` without it the running one goes on.
   */
  forMax(timeoutMs: number): Transition<S, E, D, C>;
  /** Sends the FSM `message` once, after `delayMs`; stored, so it survives restarts. Replaces a timer of that name. */
  startSingleTimer(name: string, message: C, delayMs: number): Transition<S, E, D, C>;
  /**
   * Sends the FSM `message` every `intervalMs` on a fixed wall-clock cadence; stored, so after a
   * restart it goes on at the next point of its cadence (ticks that fell while the actor was down
   * are not made up).
   */
  startTimerAtFixedRate(name: string, message: C, intervalMs: number): Transition<S, E, D, C>;
  cancelTimer(name: string): Transition<S, E, D, C>;
}

function requireTimerName(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw new InvalidArgument('timer name', name, 'a non-empty string');
  return name;
}

/** @internal */
export class TransitionImpl<S extends string, E, D, C> implements Transition<S, E, D, C> {
  constructor(
    readonly kind: TransitionKind,
    readonly target: S | undefined,
    readonly events: readonly E[] = [],
    /** Undefined: not set; Infinity: cancel the running timeout. */
    readonly timeoutMs: number | undefined = undefined,
    readonly timerChanges: readonly TimerChange<C>[] = [],
    readonly sideEffects: readonly TransitionSideEffect<D>[] = [],
  ) {}

  applying(...events: readonly E[]): Transition<S, E, D, C> {
    return this.copy({ events: [...this.events, ...events] });
  }

  andThen(run: (data: D) => void): Transition<S, E, D, C> {
    if (typeof run !== 'function') throw new InvalidArgument('andThen callback', run, 'a function');
    return this.copy({ sideEffects: [...this.sideEffects, { kind: 'run', run }] });
  }

  replying<const R>(replyTo: ActorRef<R>, message: NoInfer<R>): Transition<S, E, D, C> {
    if (typeof (replyTo as { tell?: unknown } | undefined)?.tell !== 'function') {
      throw new InvalidArgument('replying replyTo', replyTo, 'an ActorRef');
    }
    return this.copy({ sideEffects: [...this.sideEffects, { kind: 'reply', to: replyTo as ActorRef<never>, message }] });
  }

  forMax(timeoutMs: number): Transition<S, E, D, C> {
    return this.copy({ timeoutMs: requireNumber('forMax timeoutMs', timeoutMs, { min: 0, allowInfinity: true }) });
  }

  startSingleTimer(name: string, message: C, delayMs: number): Transition<S, E, D, C> {
    const change: TimerChange<C> = {
      kind: 'start',
      name: requireTimerName(name),
      message,
      delayMs: requireNumber('startSingleTimer delayMs', delayMs, { min: 0 }),
      repeat: false,
    };
    return this.copy({ timerChanges: [...this.timerChanges, change] });
  }

  startTimerAtFixedRate(name: string, message: C, intervalMs: number): Transition<S, E, D, C> {
    const change: TimerChange<C> = {
      kind: 'start',
      name: requireTimerName(name),
      message,
      delayMs: requireNumber('startTimerAtFixedRate intervalMs', intervalMs, { min: 1 }),
      repeat: true,
    };
    return this.copy({ timerChanges: [...this.timerChanges, change] });
  }

  cancelTimer(name: string): Transition<S, E, D, C> {
    return this.copy({ timerChanges: [...this.timerChanges, { kind: 'cancel', name: requireTimerName(name) }] });
  }

  private copy(
    parts: Partial<Pick<TransitionImpl<S, E, D, C>, 'events' | 'timeoutMs' | 'timerChanges' | 'sideEffects'>>,
  ): TransitionImpl<S, E, D, C> {
    return new TransitionImpl<S, E, D, C>(
      this.kind,
      this.target,
      parts.events ?? this.events,
      'timeoutMs' in parts ? parts.timeoutMs : this.timeoutMs,
      parts.timerChanges ?? this.timerChanges,
      parts.sideEffects ?? this.sideEffects,
    );
  }
}
