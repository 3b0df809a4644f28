import type { ActorContext } from '../actor/ActorContext.js';
import type { Behavior } from '../actor/Behavior.js';
import { Behaviors } from '../actor/Behaviors.js';
import { describeMessage } from '../actor/errors.js';
import type { SupervisorStrategy } from '../actor/SupervisorStrategy.js';
import { InvalidArgument } from '../errors/index.js';
import { Effect } from '../persistence/Effect.js';
import { eventSourced } from '../persistence/eventSourced.js';
import type { Recovery, RecoveryOptions } from '../persistence/Recovery.js';
import type { RetentionCriteria } from '../persistence/RetentionCriteria.js';
import type { EventAdapter } from '../serialization/EventAdapter.js';
import type { AtLeastOnceDelivery } from '../delivery/AtLeastOnceDelivery.js';
import type { AtLeastOnceDeliverySettings } from '../delivery/AtLeastOnceDeliverySettings.js';
import { Redelivery } from '../delivery/Redelivery.js';
import { UnknownFsmState } from './errors.js';
import type { Fsm, FsmHandler } from './Fsm.js';
import { type FsmTransitionEvent, fsmTransitionType, isFsmTransitionEvent } from './FsmTransitionEvent.js';
import { type FiredTimer, type FsmRecord, foldRecord, initialRecord, transitionEvent } from './internal/FsmRecord.js';
import { FsmTick, FsmTimers, stateTimeoutKey } from './internal/FsmTimers.js';
import { StateTimeout } from './StateTimeout.js';
import { type Transition, TransitionImpl } from './Transition.js';

/** Everything that defines a persistent FSM (Akka's PersistentFSM, with its pains fixed). */
export interface PersistentFSMSettings<C, E, S extends string, D> {
  readonly persistenceId: string;
  readonly initialState: NoInfer<S>;
  readonly initialData: D;
  /** One handler per state. */
  readonly when: { readonly [K in S]: FsmHandler<C, E, S, D> };
  /** Folds one domain event into the data: pure, used live and during recovery. */
  readonly applyEvent: (event: E, data: D) => D;
  /** Gets the messages a state's handler returned undefined for (in every state). */
  readonly whenUnhandled?: FsmHandler<C, E, S, D>;
  /**
   * States never recovered into: a recovery that ends in one continues in the last non-transient
   * state before it, with that state's timeout as it was set (at once if it passed). Domain events
   * applied meanwhile stay applied: only the state name and its timeout go back.
   */
  readonly transientStates?: readonly NoInfer<S>[];
  /** Runs after each stored `goto` (also to the same state; never for `stay`, never during recovery). */
  readonly onTransition?: (from: S, to: S, data: D, ctx: ActorContext<C>) => void;
  /** Tags for the domain events (the FSM's own transition events get none). */
  readonly tagger?: (event: E) => readonly string[];
  /** Automatic snapshots of the whole FSM (state name, data, state timeout and timers). */
  readonly retention?: RetentionCriteria;
  readonly recovery?: Recovery | RecoveryOptions;
  /** Manifest, versioning and upcasting of the domain events. */
  readonly eventAdapter?: EventAdapter<E, unknown>;
  /** Supervision for storage failures, as for `eventSourced`. */
  readonly onPersistFailure?: SupervisorStrategy;
  /**
   * At-least-once delivery from the FSM: the data keeps an `AtLeastOnceDelivery` value (changed
   * by `applyEvent` with `AtLeastOnceDelivery.delivered` / `confirmed`), and the FSM sends what
   * each stored transition recorded, redelivers on the delivery helper's timer, and sends every
   * unconfirmed delivery once recovery completes. `UnconfirmedWarning`s reach the handlers as
   * messages (include the type in C to handle them).
   */
  readonly atLeastOnceDelivery?: FsmAtLeastOnceDelivery<D>;
}

export interface FsmAtLeastOnceDelivery<D> {
  /** Where the data keeps its delivery state. */
  readonly select: (data: D) => AtLeastOnceDelivery;
  readonly settings?: Partial<AtLeastOnceDeliverySettings>;
}

type Stored<E> = E | FsmTransitionEvent;
type Message<C> = C | FsmTick;

/**
 * A persistent actor written as a finite state machine: per state, a handler turns each message
 * into `goto(state)`, `stay()` or `stop()` with the domain events to apply, timers and side
 * effects. The state name, data, state timeout and named timers recover from the journal (and
 * snapshots), and timeouts fire at their stored wall-clock time after a restart.
 */
export function persistentFSM<C, E, S extends string, D>(settings: PersistentFSMSettings<C, E, S, D>): Behavior<C> {
  const states = validate(settings);
  const transient = new Set<string>(settings.transientStates ?? []);
  const isTransient = (state: string) => transient.has(state);
  const { persistenceId, applyEvent } = settings;

  return Behaviors.setup<Message<C>>((setupCtx) =>
    Behaviors.withTimers<Message<C>>((scheduler) => {
      const clock = setupCtx.system.scheduler;
      const timers = new FsmTimers(scheduler, setupCtx.self, () => clock.now());
      const delivery = settings.atLeastOnceDelivery;
      const redelivery =
        delivery === undefined ? undefined : new Redelivery<unknown>(setupCtx as never, scheduler as never, delivery.settings);
      // Set when recovery ended in a transient state: the state to go on in, as long as no newer
      // transition event was stored (its count is still `transitions`).
      let revert: { readonly transitions: number; readonly stateName: S; readonly stateTimeoutAt: number | null } | undefined;
      const effective = (record: FsmRecord<S, D>): FsmRecord<S, D> =>
        revert !== undefined && revert.transitions === record.transitions
          ? { ...record, stateName: revert.stateName, stateTimeoutAt: revert.stateTimeoutAt }
          : record;

      const onRecoveryCompleted = (record: FsmRecord<S, D>, ctx: ActorContext<Message<C>>) => {
        revert = undefined;
        if (isTransient(record.stateName)) {
          revert = { transitions: record.transitions, ...record.stable };
          ctx.log.info(
            { persistenceId, phase: 'Running', transient: record.stateName, state: record.stable.stateName },
            'recovery ended in a transient state: going on in the last non-transient one',
          );
        }
        timers.reset();
        timers.sync(effective(record));
        if (delivery !== undefined) redelivery?.recoveryCompleted(delivery.select(record.data));
      };

      const handle = (stored: FsmRecord<S, D>, message: Message<C>, ctx: ActorContext<Message<C>>) => {
        const record = effective(stored);
        if (delivery !== undefined && isRedeliveryTick(message)) {
          redelivery?.redeliver(delivery.select(record.data));
          return Effect.none<Stored<E>, FsmRecord<S, D>>();
        }
        let command: C | StateTimeout;
        let fired: FiredTimer | undefined;
        if (message instanceof FsmTick) {
          if (!timers.isCurrent(message)) return Effect.none<Stored<E>, FsmRecord<S, D>>();
          const name = message.timerName;
          const timer = name === undefined ? undefined : record.timers.find((t) => t.name === name);
          if (message.key === stateTimeoutKey && record.stateTimeoutAt !== null) {
            command = StateTimeout;
            fired = { kind: 'stateTimeout' };
          } else if (name !== undefined && timer !== undefined) {
            command = timer.message as C;
            fired = { kind: 'timer', name, repeat: timer.intervalMs !== undefined };
          } else return Effect.none<Stored<E>, FsmRecord<S, D>>();
        } else command = message;

        const handler = settings.when[record.stateName];
        if (handler === undefined) throw new UnknownFsmState(persistenceId, record.stateName, states, 'the journal has the FSM in state');
        const fsm = fsmApi<C, E, S, D>(persistenceId, states, record, ctx as ActorContext<C>, (destination) => {
          if (delivery === undefined) {
            throw new InvalidArgument('ensureDeliveryCapacity', destination, 'called in an FSM whose settings have atLeastOnceDelivery');
          }
          redelivery?.ensureCapacity(delivery.select(record.data), destination);
        });
        let transition = checked(handler(command, record.data, fsm), record.stateName, command);
        if (transition === undefined && settings.whenUnhandled !== undefined) {
          transition = checked(settings.whenUnhandled(command, record.data, fsm), record.stateName, command);
        }
        if (transition === undefined) {
          // An unhandled timer message is still used up: it must not fire again after a restart.
          if (fired === undefined || (fired.kind === 'timer' && fired.repeat)) return Effect.unhandled<Stored<E>, FsmRecord<S, D>>();
          ctx.log.debug({ persistenceId, phase: 'Running', state: record.stateName, command: describeMessage(command) }, 'unhandled timer message');
          transition = new TransitionImpl<S, E, D, C>('stay', undefined);
        }
        return toEffect(record, transition, fired, ctx);
      };

      const toEffect = (
        record: FsmRecord<S, D>,
        transition: TransitionImpl<S, E, D, C>,
        fired: FiredTimer | undefined,
        ctx: ActorContext<Message<C>>,
      ) => {
        const event = transitionEvent(record, transition, clock.now(), fired);
        const events: readonly Stored<E>[] = event === undefined ? transition.events : [...transition.events, event];
        const base = events.length > 0 ? Effect.persist<Stored<E>, FsmRecord<S, D>>(events) : Effect.none<Stored<E>, FsmRecord<S, D>>();
        const effect = base.thenRun<FsmRecord<S, D>>((next) => {
          if (event !== undefined) timers.sync(effective(next));
          if (delivery !== undefined && transition.events.length > 0) redelivery?.sendNew(delivery.select(next.data));
          if (transition.kind === 'goto') settings.onTransition?.(record.stateName, transition.target!, next.data, ctx as ActorContext<C>);
          for (const sideEffect of transition.sideEffects) {
            if (sideEffect.kind === 'run') sideEffect.run(next.data);
            else (sideEffect.to as { tell(message: unknown): void }).tell(sideEffect.message);
          }
        });
        return transition.kind === 'stop' ? effect.thenStop<FsmRecord<S, D>>() : effect;
      };

      return eventSourced<Message<C>, Stored<E>, FsmRecord<S, D>>({
        persistenceId,
        emptyState: initialRecord(settings.initialState, settings.initialData),
        commandHandler: handle,
        eventHandler: (record, event) => foldRecord(record, event, applyEvent, isTransient),
        signalHandler: (record, signal, ctx) => {
          if (signal.type === 'RecoveryCompleted') onRecoveryCompleted(record, ctx);
        },
        ...(settings.tagger === undefined ? {} : { tagger: withoutTransitions(settings.tagger) }),
        ...(settings.eventAdapter === undefined ? {} : { eventAdapter: withTransitions(settings.eventAdapter) }),
        ...(settings.retention === undefined ? {} : { retention: settings.retention }),
        ...(settings.recovery === undefined ? {} : { recovery: settings.recovery }),
        ...(settings.onPersistFailure === undefined ? {} : { onPersistFailure: settings.onPersistFailure }),
      });
    }),
  ) as Behavior<C>;
}

/** The handler's third argument; its functions are closures, so handlers can destructure them. */
function fsmApi<C, E, S extends string, D>(
  persistenceId: string,
  states: readonly string[],
  record: FsmRecord<S, D>,
  ctx: ActorContext<C>,
  ensureDeliveryCapacity: (destination: { readonly path: string } | string) => void,
): Fsm<C, E, S, D> {
  return {
    stateName: record.stateName,
    ctx,
    ensureDeliveryCapacity,
    goto: (state) => {
      if (!states.includes(state)) throw new UnknownFsmState(persistenceId, state, states, 'goto named the state');
      return new TransitionImpl<S, E, D, C>('goto', state);
    },
    stay: () => new TransitionImpl<S, E, D, C>('stay', undefined),
    stop: () => new TransitionImpl<S, E, D, C>('stop', undefined),
    isTimerActive: (name) => record.timers.some((timer) => timer.name === name),
  };
}

function checked<S extends string, E, D, C>(
  result: Transition<S, E, D, C> | undefined,
  state: string,
  command: unknown,
): TransitionImpl<S, E, D, C> | undefined {
  if (result === undefined || result instanceof TransitionImpl) return result;
  throw new InvalidArgument(
    `the handler of state ${JSON.stringify(state)} for ${describeMessage(command)}`,
    result,
    'a transition from goto(), stay() or stop() (or undefined when unhandled)',
  );
}

function validate<C, E, S extends string, D>(settings: PersistentFSMSettings<C, E, S, D>): readonly string[] {
  const when = settings.when as Readonly<Record<string, unknown>> | undefined;
  if (typeof when !== 'object' || when === null) throw new InvalidArgument('persistentFSM when', when, 'an object of state handlers');
  const states = Object.keys(when);
  for (const state of states) {
    if (typeof when[state] !== 'function') throw new InvalidArgument(`persistentFSM when.${state}`, when[state], 'a handler function');
  }
  if (typeof settings.applyEvent !== 'function') throw new InvalidArgument('persistentFSM applyEvent', settings.applyEvent, 'a function');
  const pid = settings.persistenceId;
  if (!states.includes(settings.initialState)) throw new UnknownFsmState(pid, settings.initialState, states, 'initialState is');
  for (const state of settings.transientStates ?? []) {
    if (!states.includes(state)) throw new UnknownFsmState(pid, state, states, 'transientStates names');
  }
  if (settings.transientStates?.includes(settings.initialState)) {
    throw new InvalidArgument('persistentFSM initialState', settings.initialState, 'a state not listed in transientStates (recovery needs one to fall back to)');
  }
  return states;
}

function isRedeliveryTick(message: unknown): boolean {
  return (message as { type?: unknown } | null)?.type === 'RedeliveryTick';
}

function withoutTransitions<E>(tagger: (event: E) => readonly string[]): (event: Stored<E>) => readonly string[] {
  return (event) => (isFsmTransitionEvent(event) ? [] : tagger(event as E));
}

function withTransitions<E>(adapter: EventAdapter<E, unknown>): EventAdapter<Stored<E>, unknown> {
  return {
    manifest: (event) => (isFsmTransitionEvent(event) ? fsmTransitionType : adapter.manifest(event as E)),
    toJournal: (event) => (isFsmTransitionEvent(event) ? event : adapter.toJournal(event as E)),
    fromJournal: (stored, manifest) =>
      manifest === fsmTransitionType ? [stored as FsmTransitionEvent] : adapter.fromJournal(stored, manifest),
  };
}
