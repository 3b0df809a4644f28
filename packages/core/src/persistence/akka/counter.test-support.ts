import type { ActorContext } from '../../actor/ActorContext.js';
import type { ActorRef } from '../../actor/ActorRef.js';
import { Behaviors } from '../../actor/Behaviors.js';
import { Effect } from '../Effect.js';
import { eventSourced, type EventSourcedSettings } from '../eventSourced.js';
import type { EventSourcedSignal } from '../EventSourcedSignal.js';
import type { ActorTestKit } from '../../testkit/ActorTestKit.js';
import { TestException, terminated } from './specKit.test-support.js';

/** The commands of Akka's EventSourcedBehaviorSpec counter. */
export type CounterCommand =
  | { readonly type: 'Increment' }
  | { readonly type: 'IncrementThenLogThenStop' }
  | { readonly type: 'IncrementTwiceThenLogThenStop' }
  | { readonly type: 'IncrementWithPersistAll'; readonly nr: number }
  | { readonly type: 'IncrementWithConfirmation'; readonly replyTo: ActorRef<'Done'> }
  | { readonly type: 'IncrementLater' }
  | { readonly type: 'DelayFinished' }
  | { readonly type: 'IncrementTwiceAndThenLog' }
  | { readonly type: 'EmptyEventsListAndThenLog' }
  | { readonly type: 'DoNothingAndThenLog' }
  | { readonly type: 'LogThenStop' }
  | { readonly type: 'GetValue'; readonly replyTo: ActorRef<CounterState> }
  | { readonly type: 'Fail' }
  | { readonly type: 'StopIt' };

export interface Incremented {
  readonly type: 'Incremented';
  readonly delta: number;
}

export interface CounterState {
  readonly value: number;
  readonly history: readonly number[];
}

export const emptyCounter: CounterState = { value: 0, history: [] };

export const firstLogging = 'first logging';
export const secondLogging = 'second logging';

export interface CounterProbes {
  /** Gets what the side effects log. */
  readonly logging?: ActorRef<string>;
  /** Gets (state, event) each time the event handler runs. */
  readonly events?: ActorRef<readonly [CounterState, Incremented]>;
  /** Gets every signal. */
  readonly signals?: ActorRef<EventSourcedSignal>;
}

const inc = (delta: number): Incremented => ({ type: 'Incremented', delta });

function commandHandler(
  state: CounterState,
  cmd: CounterCommand,
  ctx: ActorContext<CounterCommand>,
  logging: ActorRef<string> | undefined,
): Effect<Incremented, CounterState> {
  const log = (line: string) => () => logging?.tell(line);
  switch (cmd.type) {
    case 'Increment':
      return Effect.persist(inc(1));
    case 'IncrementThenLogThenStop':
      return Effect.persist(inc(1)).thenRun(log(firstLogging)).thenStop();
    case 'IncrementTwiceThenLogThenStop':
      return Effect.persist([inc(1), inc(2)]).thenRun(log(firstLogging)).thenStop();
    case 'IncrementWithPersistAll':
      return Effect.persist(Array.from({ length: cmd.nr }, () => inc(1)));
    case 'IncrementWithConfirmation':
      return Effect.persist(inc(1)).thenReply(cmd.replyTo, () => 'Done' as const);
    case 'IncrementLater': {
      // Only to see the Terminated of a child come back as a command.
      const delay = ctx.spawnAnonymous(
        Behaviors.withTimers<'Tick'>((timers) => {
          timers.startSingleTimer('tick', 'Tick', 10);
          return Behaviors.receiveMessage(() => Behaviors.stopped);
        }),
      );
      ctx.watchWith(delay, { type: 'DelayFinished' });
      return Effect.none();
    }
    case 'DelayFinished':
      return Effect.persist(inc(10));
    case 'IncrementTwiceAndThenLog':
      return Effect.persist([inc(1), inc(1)]).thenRun(log(firstLogging)).thenRun(log(secondLogging));
    case 'EmptyEventsListAndThenLog':
      return Effect.persist<Incremented>([]).thenRun(log(firstLogging));
    case 'DoNothingAndThenLog':
      return Effect.none().thenRun(log(firstLogging));
    case 'LogThenStop':
      return Effect.none().thenRun(log(firstLogging)).thenStop();
    case 'GetValue':
      cmd.replyTo.tell(state);
      return Effect.none();
    case 'Fail':
      throw new TestException('boom!');
    case 'StopIt':
      return Effect.none().thenStop();
  }
}

/** Akka's EventSourcedBehaviorSpec counter; `overrides` replace any setting. */
export function counter(
  persistenceId: string,
  probes: CounterProbes = {},
  overrides: Partial<EventSourcedSettings<CounterCommand, Incremented, CounterState>> = {},
) {
  return eventSourced<CounterCommand, Incremented, CounterState>({
    persistenceId,
    emptyState: emptyCounter,
    commandHandler: (state, cmd, ctx) => commandHandler(state, cmd, ctx, probes.logging),
    eventHandler: (state, event) => {
      probes.events?.tell([state, event]);
      return { value: state.value + event.delta, history: [...state.history, state.value] };
    },
    signalHandler: (_state, signal) => probes.signals?.tell(signal),
    ...overrides,
  });
}

/** A counter state with `history` 0..n-1, as n increments of 1 leave it. */
export function counted(n: number): CounterState {
  return { value: n, history: Array.from({ length: n }, (_, i) => i) };
}

/** The counter's state, asked of the actor. */
export async function getValue(kit: ActorTestKit, ref: ActorRef<CounterCommand>): Promise<CounterState> {
  const probe = kit.createTestProbe<CounterState>();
  ref.tell({ type: 'GetValue', replyTo: probe.ref });
  return probe.receiveMessage();
}

/** Stops the counter with its StopIt command and waits until it is gone. */
export async function stopIt(kit: ActorTestKit, ref: ActorRef<CounterCommand>): Promise<void> {
  ref.tell({ type: 'StopIt' });
  await terminated(kit, ref);
}
