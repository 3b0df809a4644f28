import type { ActorRef } from '../actor/ActorRef.js';
import type { PersistFailure } from './errors.js';

type SideEffect<S> =
  | { readonly kind: 'run'; readonly run: (state: S) => void }
  | { readonly kind: 'reply'; readonly to: ActorRef<never>; readonly reply: (state: S) => unknown }
  | { readonly kind: 'stop' }
  | { readonly kind: 'unstashAll' };

/** A reply to send when the events of an effect are not stored (see `Effect.onFailure`). */
interface FailureReply {
  readonly to: ActorRef<never>;
  readonly reply: (error: PersistFailure) => unknown;
}

export type EffectKind = 'persist' | 'none' | 'unhandled' | 'stop' | 'stash' | 'unstashAll';

/**
 * What a command handler decides: persist events (or not), then side effects that run once the
 * events are stored, with the state after them. Built with `Effect.persist(...)` and friends.
 *
 * The state type of the side effects (`S2`) is taken from where the effect is returned, i.e. the
 * command handler's declared return type, so `Effect.persist(e).thenReply(to, (s) => s.balance)`
 * type-checks without type arguments. Only the last call of a chain sees that type: a `thenRun` /
 * `thenReply` before another call needs it named (`Effect.persist<Event, State>(e)`, or
 * `(s: State) => ...`). `onFailure` uses no state, so it can go first.
 */
export interface Effect<E, S> {
  readonly kind: EffectKind;
  readonly events: readonly E[];
  /** Runs `run` with the new state after the events are stored. */
  thenRun<S2 = S>(run: (state: S2) => void): Effect<E, S2>;
  /**
   * Sends `replyTo` the reply built from the new state. With `onFailure`, sends it the reply
   * built from the error instead when the events are not stored: the same as `.onFailure(replyTo,
   * onFailure)`, in one call whose state type is inferred from the handler's return type.
   */
  thenReply<const R, S2 = S>(
    replyTo: ActorRef<R>,
    reply: (state: S2) => NoInfer<R>,
    onFailure?: (error: PersistFailure) => NoInfer<R>,
  ): Effect<E, S2>;
  /** Stops the actor after the events are stored. */
  thenStop<S2 = S>(): Effect<E, S2>;
  /** Hands every command stashed with Effect.stash() back, before newer ones. */
  thenUnstashAll<S2 = S>(): Effect<E, S2>;
  /**
   * Sends `replyTo` the reply built from the error when the events of this effect are not stored,
   * so a caller hears of it at once instead of waiting for its ask timeout:
   *
   * ```ts
   * Effect.persist(event)
   *   .onFailure(cmd.replyTo, (error) => ({ ok: false, error: error.message }))
   *   .thenReply(cmd.replyTo, (s) => ({ ok: true, balance: s.balance }));
   * // or, in one call:
   * Effect.persist(event).thenReply(
   *   cmd.replyTo,
   *   (s) => ({ ok: true, balance: s.balance }),
   *   (error) => ({ ok: false, error: error.message }),
   * );
   * ```
   *
   * It runs exactly once when the events are not stored: rejected (EventRejected: the serializer
   * or the store refused them; the actor goes on), not written (JournalFailure: the write failed,
   * an earlier write of the same actor failed, or the actor stopped or restarted before the write
   * was sent; the actor stops, or restarts under `onPersistFailure`), or never written
   * (EventHandlerFailed: the event handler threw on them; the actor fails). A write still in flight
   * when the actor stops is answered when the journal answers: onFailure if it failed, nothing if
   * it was stored. It never runs when the events are stored; the `then*` side effects run then.
   * Several onFailure on one effect all run, in order; on an effect that persists nothing it
   * never runs.
   */
  onFailure<const R>(replyTo: ActorRef<R>, reply: (error: PersistFailure) => NoInfer<R>): Effect<E, S>;
}

// Most effects have no side effect or failure reply yet: one shared empty list each, not two new
// arrays per command (effects only ever copy their lists, never change them).
const noEvents: readonly never[] = Object.freeze([]);
const noSideEffects: readonly never[] = Object.freeze([]);
const noFailureReplies: readonly FailureReply[] = Object.freeze([]);

/** @internal */
export class EffectImpl<E, S> implements Effect<E, S> {
  constructor(
    readonly kind: EffectKind,
    readonly events: readonly E[],
    readonly sideEffects: readonly SideEffect<S>[],
    readonly failureReplies: readonly FailureReply[] = noFailureReplies,
  ) {}

  thenRun<S2 = S>(run: (state: S2) => void): Effect<E, S2> {
    return this.with<S2>({ kind: 'run', run });
  }

  thenReply<const R, S2 = S>(
    replyTo: ActorRef<R>,
    reply: (state: S2) => NoInfer<R>,
    onFailure?: (error: PersistFailure) => NoInfer<R>,
  ): Effect<E, S2> {
    const effect = this.with<S2>({ kind: 'reply', to: replyTo as ActorRef<never>, reply });
    return onFailure === undefined ? effect : effect.onFailure(replyTo, onFailure);
  }

  thenStop<S2 = S>(): Effect<E, S2> {
    return this.with<S2>({ kind: 'stop' });
  }

  thenUnstashAll<S2 = S>(): Effect<E, S2> {
    return this.with<S2>({ kind: 'unstashAll' });
  }

  onFailure<const R>(replyTo: ActorRef<R>, reply: (error: PersistFailure) => NoInfer<R>): Effect<E, S> {
    const failureReply: FailureReply = { to: replyTo as ActorRef<never>, reply };
    return new EffectImpl<E, S>(this.kind, this.events, this.sideEffects, [...this.failureReplies, failureReply]);
  }

  private with<S2>(sideEffect: SideEffect<S2>): Effect<E, S2> {
    // All side effects of one effect see the same state; S only narrows what the handler declared.
    const earlier = this.sideEffects as unknown as readonly SideEffect<S2>[];
    return new EffectImpl<E, S2>(this.kind, this.events, [...earlier, sideEffect], this.failureReplies);
  }
}

function effect<E, S>(kind: EffectKind, events: readonly E[] = noEvents): Effect<E, S> {
  return new EffectImpl<E, S>(kind, events, noSideEffects);
}

export const Effect = {
  /** Persist one event or several (atomically); commands wait until they are stored. */
  persist<const E, S = never>(events: E | readonly E[]): Effect<E, S> {
    return effect<E, S>('persist', Array.isArray(events) ? (events as readonly E[]) : [events as E]);
  },
  /** Change nothing (side effects still run). */
  none<E = never, S = never>(): Effect<E, S> {
    return effect<E, S>('none');
  },
  /** The command is not for this state: logged as unhandled. */
  unhandled<E = never, S = never>(): Effect<E, S> {
    return effect<E, S>('unhandled');
  },
  /** Stop the actor. */
  stop<E = never, S = never>(): Effect<E, S> {
    return effect<E, S>('stop');
  },
  /** Put the command aside until an Effect.unstashAll() / thenUnstashAll(). */
  stash<E = never, S = never>(): Effect<E, S> {
    return effect<E, S>('stash');
  },
  unstashAll<E = never, S = never>(): Effect<E, S> {
    return effect<E, S>('unstashAll');
  },
  /** Reply without persisting: `Effect.none().thenReply(replyTo, () => reply)`. */
  reply<const R, E = never, S = never>(replyTo: ActorRef<R>, reply: NoInfer<R>): Effect<E, S> {
    return effect<E, S>('none').thenReply<R, S>(replyTo, () => reply);
  },
} as const;
