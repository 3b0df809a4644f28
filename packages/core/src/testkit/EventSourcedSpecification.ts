import { AssertionError } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { inspect, isDeepStrictEqual } from 'node:util';
import type { ActorRef } from '../actor/ActorRef.js';
import type { Behavior } from '../actor/Behavior.js';
import { Behaviors } from '../actor/Behaviors.js';
import { describeMessage } from '../actor/errors.js';
import { requireNumber } from '../errors/index.js';
import type { InspectionEvent } from '../persistence/Inspection.js';
import { EventCodec } from '../persistence/internal/EventCodec.js';
import { EventAdapters, type EventAdapter } from '../serialization/EventAdapter.js';
import {
  EventSourcedBehaviorTestKit,
  type CommandResult,
  type EventSourcedBehaviorTestKitOptions,
} from './EventSourcedBehaviorTestKit.js';

export interface EventSourcedSpecificationOptions<E> extends EventSourcedBehaviorTestKitOptions {
  /**
   * The behavior's event adapter, when it has one: given events are stored through it, as the actor
   * would have stored them. Default: the identity adapter (manifest = the event's `type`).
   */
  readonly eventAdapter?: EventAdapter<E, unknown>;
  /**
   * Real-time limit for playing one scenario, so a handler or journal call that never settles fails
   * the spec with a message instead of hanging it. Default 5000 ms.
   */
  readonly timeoutMs?: number;
}

/** What `thenThrows` accepts: an error class, an error name, or a predicate on the error. */
export type ErrorExpectation = (abstract new (...args: never[]) => Error) | string | ((error: Error) => boolean);

/**
 * Given/when/then specs for an `eventSourced` behavior, in the manner of Emmett's
 * DeciderSpecification, played on an EventSourcedBehaviorTestKit (manual clock, in-memory stores,
 * serialization checks):
 *
 * ```ts
 * const spec = EventSourcedSpecification.for<AccountCommand, AccountEvent, AccountState>(() => account('a'));
 * await spec
 *   .given([{ type: 'Deposited', amount: 10 }])
 *   .when<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 3, replyTo }))
 *   .then([{ type: 'Withdrawn', amount: 3 }]);
 * ```
 *
 * Every `then*` plays the whole scenario from scratch in a fresh test kit and rejects with an
 * AssertionError naming the scenario, what was expected and what happened.
 *
 * Given events are written to the journal under the actor's own persistenceId with sequence nrs
 * 1..n, and the actor is then restarted to recover them. The persistenceId is read off the
 * behavior by starting it once on the empty journal and restarting it (so a behavior whose setup
 * has side effects sees them once more than in production); the recovery of the given events is
 * checked to reach sequence nr n.
 */
export class EventSourcedSpecification<C, E, S> {
  private constructor(
    private readonly behavior: () => Behavior<C>,
    private readonly options: EventSourcedSpecificationOptions<E>,
  ) {}

  /** `behavior` is called for every scenario played, so no actor state is shared between them. */
  static for<C, E, S>(
    behavior: () => Behavior<C>,
    options: EventSourcedSpecificationOptions<E> = {},
  ): EventSourcedSpecification<C, E, S> {
    requireNumber('timeoutMs', options.timeoutMs ?? 5_000, { min: 1 });
    return new EventSourcedSpecification(behavior, options);
  }

  /** Events already in the actor's journal before the command. */
  given(events: readonly E[]): EventSourcedGiven<C, E, S> {
    return new EventSourcedGiven(this.behavior, this.options, events);
  }

  /** An actor with an empty journal. */
  givenNothing(): EventSourcedGiven<C, E, S> {
    return this.given([]);
  }
}

export class EventSourcedGiven<C, E, S> {
  constructor(
    private readonly behavior: () => Behavior<C>,
    private readonly options: EventSourcedSpecificationOptions<E>,
    private readonly events: readonly E[],
  ) {}

  /** The command under test, or a builder of it around the replyTo whose answer `thenReply` checks. */
  when(command: C): EventSourcedWhen<C, E, S, undefined>;
  when<R>(command: (replyTo: ActorRef<R>) => C): EventSourcedWhen<C, E, S, R>;
  when<R>(command: C | ((replyTo: ActorRef<R>) => C)): EventSourcedWhen<C, E, S, R | undefined> {
    return new EventSourcedWhen<C, E, S, R | undefined>(this.behavior, this.options, this.events, command);
  }
}

/** What playing a scenario came to. */
interface Outcome<C, E, S, R> {
  readonly label: string;
  readonly command: C | undefined;
  readonly result: CommandResult<E, S, R> | undefined;
  /** The error the actor stopped with while handling the command. */
  readonly failure: Error | undefined;
  /** Why `runCommand` rejected, when it did (a failed serialization check, a stopped actor). */
  readonly error: unknown;
}

export class EventSourcedWhen<C, E, S, R> {
  constructor(
    private readonly behavior: () => Behavior<C>,
    private readonly options: EventSourcedSpecificationOptions<E>,
    private readonly events: readonly E[],
    private readonly command: C | ((replyTo: ActorRef<R>) => C),
  ) {}

  /**
   * The command persisted exactly `expected`, in order. (Being named `then` makes this object look
   * like a promise: awaiting it without a `then*` call is reported instead of playing a scenario.)
   */
  then(expected: readonly E[]): Promise<void> {
    if (!Array.isArray(expected)) {
      // Called by `await` or promise resolution with (resolve, reject).
      const reject: unknown = arguments[1];
      const error = new AssertionError({
        message: 'a given/when spec was awaited without a then*: end it with then([...]), thenState, thenReply, thenNothingPersisted or thenThrows',
      });
      if (typeof reject === 'function') reject(error);
      const rejected = Promise.reject(error);
      // Promise resolution ignores what `then` returns; it must not surface as an unhandled rejection.
      rejected.catch(() => undefined);
      return rejected;
    }
    return this.thenEvents(expected);
  }

  private async thenEvents(expected: readonly E[]): Promise<void> {
    const { label, result } = await this.succeeded('persist events');
    if (!isDeepStrictEqual(result.events, expected)) {
      throw mismatch(
        `${label}: expected the command to persist ${show(expected)}, but it persisted ${show(result.events)}${rejected(result)}`,
        result.events,
        expected,
      );
    }
  }

  /** The state after the command deep-equals `expected`, or passes the check (which fails by returning false or throwing). */
  async thenState(expected: S | ((state: S) => boolean | void)): Promise<void> {
    const { label, result } = await this.succeeded('reach a state');
    if (typeof expected === 'function') {
      if ((expected as (state: S) => boolean | void)(result.state) === false) {
        throw new AssertionError({ message: `${label}: the state check returned false for the state ${show(result.state)}` });
      }
    } else if (!isDeepStrictEqual(result.state, expected)) {
      throw mismatch(`${label}: expected the state ${show(expected)}, but it is ${show(result.state)}`, result.state, expected);
    }
  }

  /** The first reply to the command's replyTo deep-equals `expected`. */
  async thenReply(expected: R): Promise<void> {
    if (typeof this.command !== 'function') {
      throw new AssertionError({
        message: 'thenReply needs a command built around its replyTo: when((replyTo) => ({ ..., replyTo }))',
      });
    }
    const { label, result } = await this.succeeded('reply');
    if (result.reply === undefined) {
      throw mismatch(`${label}: expected the reply ${show(expected)}, but the actor sent no reply`, undefined, expected);
    }
    if (!isDeepStrictEqual(result.reply, expected)) {
      throw mismatch(`${label}: expected the reply ${show(expected)}, but it was ${show(result.reply)}`, result.reply, expected);
    }
  }

  /** The command persisted no event. */
  async thenNothingPersisted(): Promise<void> {
    const { label, result } = await this.succeeded('persist nothing');
    if (!result.hasNoEvents) {
      throw mismatch(`${label}: expected the command to persist nothing, but it persisted ${show(result.events)}`, result.events, []);
    }
  }

  /**
   * Handling the command made the actor stop with an error matching `expected` (any error when
   * omitted), as a command or event handler that throws does. A behavior supervised to restart or
   * resume does not stop, so its failures are not seen here.
   */
  async thenThrows(expected?: ErrorExpectation): Promise<void> {
    const outcome = await this.play();
    const wanted = expected === undefined ? 'an error' : describeExpectation(expected);
    const { label, failure, result } = outcome;
    if (failure === undefined) {
      if (outcome.error !== undefined) throw outcome.error;
      throw new AssertionError({
        message: `${label}: expected the command to fail with ${wanted}, but it succeeded and persisted ${show(result?.events ?? [])}`,
      });
    }
    if (expected !== undefined && !matches(failure, expected)) {
      throw withCause(
        new AssertionError({ message: `${label}: expected the command to fail with ${wanted}, but it failed with ${describeError(failure)}` }),
        failure,
      );
    }
  }

  /** Plays the scenario and insists that the command was handled without the actor failing. */
  private async succeeded(what: string): Promise<{ readonly label: string; readonly result: CommandResult<E, S, R> }> {
    const { label, failure, result, error } = await this.play();
    if (failure !== undefined) {
      throw withCause(
        new AssertionError({ message: `${label}: expected the command to ${what}, but the actor failed with ${describeError(failure)}` }),
        failure,
      );
    }
    if (result === undefined) throw error;
    return { label, result };
  }

  /** Plays the scenario within the time limit; a scenario past it is shut down without waiting. */
  private async play(): Promise<Outcome<C, E, S, R>> {
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    const started: { kit?: EventSourcedBehaviorTestKit<C, E, S> } = {};
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void started.kit?.shutdown().catch(() => undefined);
        reject(
          new AssertionError({
            message: `${this.label(typeof this.command === 'function' ? undefined : this.command)}: the scenario did not finish within ${timeoutMs} ms (a handler or journal call that never settles?)`,
          }),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.playIn(started), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async playIn(started: { kit?: EventSourcedBehaviorTestKit<C, E, S> }): Promise<Outcome<C, E, S, R>> {
    const kit = await EventSourcedBehaviorTestKit.create<C, E, S>(this.behavior(), this.options);
    started.kit = kit;
    try {
      if (this.events.length > 0) await this.seed(kit);
      const failure = await watchForFailure(kit);
      let command: C | undefined;
      let result: CommandResult<E, S, R> | undefined;
      let error: unknown;
      try {
        if (typeof this.command === 'function') {
          const build = this.command as (replyTo: ActorRef<R>) => C;
          result = await kit.runCommand<R>((replyTo) => (command = build(replyTo)));
        } else {
          command = this.command;
          result = (await kit.runCommand(command)) as CommandResult<E, S, R>;
        }
      } catch (thrown) {
        error = thrown;
      }
      return { label: this.label(command), command, result, failure: failure(), error };
    } finally {
      await kit.shutdown();
    }
  }

  /** Writes the given events as the actor's seq nrs 1..n and restarts it to recover them. */
  private async seed(kit: EventSourcedBehaviorTestKit<C, E, S>): Promise<void> {
    const { persistenceId } = await restartAndRecover(kit, 'to learn its persistenceId');
    const codec = new EventCodec<E>(
      persistenceId,
      kit.persistence.serialization,
      this.options.eventAdapter ?? EventAdapters.identity<E>(),
      undefined,
      randomUUID(),
      true,
    );
    const timestamp = kit.testKit.clock.now();
    const events = this.events.map((event, index) => codec.encode(event, index + 1, timestamp));
    const [refused] = await kit.journal.writeMessages([{ persistenceId, events }]);
    if (refused !== undefined) {
      throw withCause(new AssertionError({ message: `${this.label(undefined)}: the journal refused the given events: ${refused.message}` }), refused);
    }
    const recovered = await restartAndRecover(kit, 'to recover the given events');
    if (recovered.sequenceNr !== events.length) {
      throw new AssertionError({
        message: `${this.label(undefined)}: ${persistenceId} recovered up to sequence nr ${recovered.sequenceNr}, not the ${events.length} given events`,
      });
    }
  }

  private label(command: C | undefined): string {
    const given = this.events.length === 0 ? 'given nothing' : `given ${this.events.length} event${this.events.length === 1 ? '' : 's'}`;
    return `${given}, when ${command === undefined ? 'the command' : describeMessage(command)}`;
  }
}

type Recovered = Extract<InspectionEvent, { type: 'RecoveryCompleted' }>;

async function restartAndRecover<C, E, S>(kit: EventSourcedBehaviorTestKit<C, E, S>, why: string): Promise<Recovered> {
  const recoveries: Recovered[] = [];
  const unsubscribe = kit.persistence.inspect((event) => {
    if (event.type === 'RecoveryCompleted') recoveries.push(event);
  });
  try {
    await kit.restart();
  } catch (error) {
    throw withCause(new AssertionError({ message: `the actor under test did not restart ${why}: ${describeError(error)}` }), error);
  } finally {
    unsubscribe();
  }
  const recovered = recoveries.find((event) => event.actor === kit.ref.path);
  if (recovered === undefined) {
    throw new AssertionError({ message: `${kit.ref.path} did not recover ${why}: is it an eventSourced behavior?` });
  }
  return recovered;
}

/** Watches the actor under test; the returned function tells the error it stopped with, if any. */
async function watchForFailure<C, E, S>(kit: EventSourcedBehaviorTestKit<C, E, S>): Promise<() => Error | undefined> {
  let failure: Error | undefined;
  const target = kit.ref as ActorRef<never>;
  kit.testKit.spawn(
    Behaviors.setup<never>((ctx) => {
      ctx.watch(target);
      return Behaviors.receiveSignal<never>((_ctx, signal) => {
        if (signal.type === 'Terminated' && signal.ref.path === target.path) failure = signal.failure;
      });
    }),
    'failure-watch',
  );
  // The watch must be in place before the command can make the actor fail.
  await kit.testKit.settle();
  return () => failure;
}

function matches(error: Error, expected: ErrorExpectation): boolean {
  if (typeof expected === 'string') return error.name === expected;
  if (isErrorClass(expected)) return error instanceof expected;
  return (expected as (error: Error) => boolean)(error);
}

function isErrorClass(value: ErrorExpectation): value is abstract new (...args: never[]) => Error {
  return typeof value === 'function' && (value === Error || value.prototype instanceof Error);
}

function describeExpectation(expected: ErrorExpectation): string {
  if (typeof expected === 'string') return `an error named ${expected}`;
  if (isErrorClass(expected)) return expected.name;
  return `an error matching ${expected.name === '' ? 'the predicate' : expected.name}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : show(error);
}

function rejected(result: CommandResult<unknown, unknown, unknown>): string {
  return result.rejections.length === 0 ? '' : ` (the journal rejected ${result.rejections.length})`;
}

function show(value: unknown): string {
  return inspect(value, { depth: null, breakLength: Infinity });
}

/** An AssertionError that also carries both sides, so a test runner can show a diff. */
function mismatch(message: string, actual: unknown, expected: unknown): AssertionError {
  return new AssertionError({ message, actual, expected, operator: 'deepStrictEqual' });
}

function withCause(error: AssertionError, cause: unknown): AssertionError {
  return Object.assign(error, { cause });
}
