import { AssertionError } from 'node:assert';
import type { ActorRef } from '../actor/ActorRef.js';
import type { ActorSystemConfig } from '../actor/ActorSystem.js';
import type { Behavior } from '../actor/Behavior.js';
import { Behaviors } from '../actor/Behaviors.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { isErrorNamed } from '../errors/index.js';
import type { EventRejected } from '../persistence/errors.js';
import { NotSerializable } from '../serialization/errors.js';
import { findDifference } from '../serialization/findDifference.js';
import { InspectState } from '../persistence/internal/InternalProtocol.js';
import { Persistence } from '../persistence/Persistence.js';
import type { PersistenceConfig } from '../persistence/PersistenceConfig.js';
import type { Serializer } from '../serialization/Serializer.js';
import { ActorTestKit } from './ActorTestKit.js';
import { FaultInjectingJournal } from './FaultInjectingJournal.js';
import { FaultInjectingSnapshotStore } from './FaultInjectingSnapshotStore.js';
import { SerializationCheckFailed } from './SerializationCheckFailed.js';

export interface SerializationChecks {
  /** Commands survive the event serializer (refs compared by path). Default true. */
  readonly commands?: boolean;
  /** Every persisted event survives serializer and event adapter. Default true. */
  readonly events?: boolean;
  /** The state after each command survives the snapshot serializer. Default true. */
  readonly state?: boolean;
}

export interface EventSourcedBehaviorTestKitOptions {
  readonly name?: string;
  readonly serializationChecks?: SerializationChecks;
  /** Persistence settings; the stores are the test kit's own fault-injecting in-memory ones. */
  readonly persistence?: Omit<PersistenceConfig, 'journal' | 'snapshotStore'>;
  readonly config?: Omit<ActorSystemConfig, 'persistence' | 'scheduler' | 'logger' | 'random'>;
  readonly echoLogs?: boolean;
}

export interface CommandResult<E, S, R> {
  readonly command: unknown;
  /** Events stored while handling the command (and the commands it unstashed). */
  readonly events: readonly E[];
  readonly state: S;
  /** The first reply, when the command was built with a replyTo. */
  readonly reply: R | undefined;
  /** Events the command tried to persist that were rejected. */
  readonly rejections: readonly EventRejected[];
  readonly hasNoEvents: boolean;
}

type HostMessage = { readonly type: 'restart'; readonly done: () => void };

/**
 * Runs one event-sourced actor for unit tests, like Akka's EventSourcedBehaviorTestKit:
 * `runCommand` returns the events it stored, the new state and the reply; `restart` recovers the
 * actor from its journal. Stores are in memory and fault-injecting (`journal.failWrite(...)`), the
 * clock is manual, every command, event and state is checked to survive serialization, and
 * states and events are deep-frozen (`persistence.freezeState`, on here even when NODE_ENV is
 * production).
 */
export class EventSourcedBehaviorTestKit<C, E, S> {
  readonly testKit: ActorTestKit;
  readonly journal: FaultInjectingJournal;
  readonly snapshotStore: FaultInjectingSnapshotStore;
  private current!: ActorRef<C>;
  private readonly host: ActorRef<HostMessage>;
  private readonly checks: Required<SerializationChecks>;

  private constructor(behavior: Behavior<C>, options: EventSourcedBehaviorTestKitOptions) {
    this.journal = new FaultInjectingJournal(new MemoryJournal());
    this.snapshotStore = new FaultInjectingSnapshotStore(new MemorySnapshotStore());
    this.checks = { commands: true, events: true, state: true, ...options.serializationChecks };
    this.testKit = ActorTestKit.create({
      name: options.name ?? 'eventsourced-test',
      echoLogs: options.echoLogs ?? false,
      config: {
        ...options.config,
        persistence: {
          // States and events frozen whatever NODE_ENV says: a handler that changes them fails here.
          freezeState: true,
          ...options.persistence,
          journal: this.journal,
          snapshotStore: this.snapshotStore,
          verifySerialization: this.checks.events,
        },
      },
    });
    this.host = this.testKit.spawn(hostBehavior(behavior, (ref) => (this.current = ref as ActorRef<C>)), 'host');
  }

  /** Starts the actor and waits for its recovery. */
  static async create<C, E, S>(
    behavior: Behavior<C>,
    options: EventSourcedBehaviorTestKitOptions = {},
  ): Promise<EventSourcedBehaviorTestKit<C, E, S>> {
    const kit = new EventSourcedBehaviorTestKit<C, E, S>(behavior, options);
    await kit.testKit.settle();
    return kit;
  }

  /** The actor under test (a new ref after `restart`). */
  get ref(): ActorRef<C> {
    return this.current;
  }

  get persistence(): Persistence {
    return Persistence.get(this.testKit.system);
  }

  /** Sends `command` (or builds it around a replyTo) and waits until the actor is idle. */
  runCommand(command: C): Promise<CommandResult<E, S, undefined>>;
  runCommand<R>(command: (replyTo: ActorRef<R>) => C): Promise<CommandResult<E, S, R>>;
  async runCommand<R>(command: C | ((replyTo: ActorRef<R>) => C)): Promise<CommandResult<E, S, R | undefined>> {
    const events: E[] = [];
    const rejections: EventRejected[] = [];
    const path = this.current.path;
    const unsubscribe = this.persistence.inspect((event) => {
      if (event.actor !== path) return;
      if (event.type === 'EventsStored') events.push(...(event.events as E[]));
      if (event.type === 'EventRejected') rejections.push(event.error as EventRejected);
    });
    try {
      const probe = typeof command === 'function' ? this.testKit.createTestProbe<R>() : undefined;
      const message = probe === undefined ? (command as C) : (command as (replyTo: ActorRef<R>) => C)(probe.ref);
      if (this.checks.commands) this.checkCommand(message);
      this.current.tell(message);
      await this.testKit.settle();
      // An event the serializer refuses stays a rejection, as in production (with the same
      // message, naming where in the event); one it changes silently fails the command here.
      for (const rejection of rejections) {
        const cause = rejection.cause as NotSerializable | undefined;
        if (isErrorNamed(cause, 'NotSerializable') && cause.serializer === 'round-trip check') {
          throw new SerializationCheckFailed('event', cause.reason, rejection, cause.path === undefined ? undefined : `event${cause.path}`);
        }
      }
      const state = await this.getState();
      return { command: message, events, state, reply: probe?.messages[0], rejections, hasNoEvents: events.length === 0 };
    } finally {
      unsubscribe();
    }
  }

  /** The actor's current state (checked against the snapshot serializer). */
  async getState(): Promise<S> {
    let answered = false;
    let state: unknown;
    (this.current as ActorRef<unknown>).tell(
      new InspectState((value) => {
        answered = true;
        state = value;
      }),
    );
    await this.testKit.settle();
    if (!answered) {
      throw new AssertionError({
        message: `${this.current.path} did not report its state: it is not running (it stopped or failed; see the logs)`,
      });
    }
    if (this.checks.state) this.checkState(state);
    return state as S;
  }

  /** Stops the actor and starts it again from its journal and snapshots; returns the recovered state. */
  async restart(): Promise<{ readonly state: S }> {
    let restarted = false;
    this.host.tell({ type: 'restart', done: () => (restarted = true) });
    await this.testKit.settle();
    if (!restarted) throw new AssertionError({ message: 'the actor under test did not restart' });
    return { state: await this.getState() };
  }

  shutdown(): Promise<void> {
    return this.testKit.shutdown();
  }

  private checkCommand(command: C): void {
    checkRoundTrip('command', command, this.persistence.serialization.eventSerializer, refsAsPaths);
  }

  private checkState(state: unknown): void {
    checkRoundTrip('state', state, this.persistence.serialization.snapshotSerializer, (value) => value);
  }
}

/** Serializes `value` and reads it back; throws naming where it was refused or changed. */
function checkRoundTrip(
  what: 'command' | 'state',
  value: unknown,
  serializer: Serializer,
  expected: (value: unknown) => unknown,
): void {
  let readBack: unknown;
  try {
    readBack = serializer.deserialize(serializer.serialize(value, ''), '');
  } catch (error) {
    if (!(error instanceof NotSerializable)) throw new SerializationCheckFailed(what, (error as Error).message, error);
    const path = error.path === undefined ? undefined : `${what}${error.path}`;
    throw new SerializationCheckFailed(what, `the ${error.serializer} serializer cannot store it faithfully: ${error.reasonAt(what)}`, error, path);
  }
  const difference = findDifference(expected(value), readBack);
  if (difference !== undefined) {
    const path = `${what}${difference.path}`;
    throw new SerializationCheckFailed(what, `it came back from the ${serializer.name} serializer changed: ${path} ${difference.how}`, undefined, path);
  }
}

/** Refs serialize to their path; compare commands with that in mind. */
function refsAsPaths(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(refsAsPaths);
  if (value === null || typeof value !== 'object') return value;
  const ref = value as { tell?: unknown; path?: unknown };
  if (typeof ref.tell === 'function' && typeof ref.path === 'string') return ref.path;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, refsAsPaths(item)]));
}

/** Parent of the actor under test, so the test kit can stop and restart it. */
function hostBehavior<C>(behavior: Behavior<C>, started: (ref: ActorRef<C>) => void): Behavior<HostMessage> {
  return Behaviors.setup<HostMessage>((ctx) => {
    const spawn = () => {
      const ref = ctx.spawn(behavior, 'entity');
      started(ref);
      return ref;
    };
    let child = spawn();
    let pending: (() => void) | undefined;
    return Behaviors.receive<HostMessage>(
      (_ctx, message) => {
        pending = message.done;
        ctx.watch(child as ActorRef<never>);
        ctx.stop(child as ActorRef<never>);
      },
      (_ctx, signal) => {
        if (signal.type !== 'Terminated') return;
        if (pending === undefined) return;
        child = spawn();
        pending();
        pending = undefined;
      },
    );
  });
}
