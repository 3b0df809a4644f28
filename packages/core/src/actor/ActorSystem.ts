import { InvalidArgument, requireNumber } from '../errors/index.js';
import { closeStores } from '../persistence/internal/closeStores.js';
import type { ActorRef } from './ActorRef.js';
import { Behaviors } from './Behaviors.js';
import type { Behavior } from './Behavior.js';
import type { DeadLetters } from './DeadLetters.js';
import { ActorSystemTerminated } from './errors.js';
import { ActorCell } from './internal/ActorCell.js';
import { SystemRuntime } from './internal/SystemRuntime.js';
import { ConsoleLogger, type Logger, type LogLevel } from './Logger.js';
import { type Scheduler, SystemScheduler } from './Scheduler.js';

/**
 * Settings of an actor system. Other parts of Engram add their own fields to this interface
 * (persistence adds `persistence: { journal, snapshotStore }`).
 */
export interface ActorSystemConfig {
  /** A pino-like logger; default: ConsoleLogger at `logLevel`. */
  readonly logger?: Logger;
  /** Level of the default console logger. Default `info`. */
  readonly logLevel?: LogLevel;
  /** Time and delayed tasks; tests pass a ManualScheduler. */
  readonly scheduler?: Scheduler;
  /** Randomness (backoff jitter); tests pass a fixed function. Default Math.random. */
  readonly random?: () => number;
  /** Messages an actor handles per turn before others get theirs. Default 100. */
  readonly throughput?: number;
  /** How many dead letters are logged before logging them stops. Default 10. */
  readonly logDeadLetters?: number;
}

/** Identifies a per-system singleton that is created on first use (persistence, for one). */
export interface ExtensionId<E> {
  readonly name: string;
  create(system: ActorSystem): E;
}

/** Turns refs into strings and back, e.g. for `replyTo` fields in serialized messages. */
export interface ActorRefResolver {
  toSerializationFormat(ref: ActorRef<never>): string;
  /** The live actor at `path`, or a ref whose messages become dead letters. */
  resolveActorRef<T>(path: string): ActorRef<T>;
}

/**
 * A tree of actors with their shared scheduler, logger and dead-letter channel. Create one per
 * process (or per test); `terminate()` stops every actor, children before parents, then closes
 * what extensions registered (e.g. the persistence stores).
 */
export class ActorSystem {
  readonly log: Logger;
  readonly scheduler: Scheduler;
  readonly deadLetters: DeadLetters;
  readonly refResolver: ActorRefResolver;
  /** Resolves once `terminate()` has finished. */
  readonly whenTerminated: Promise<void>;
  readonly #runtime: SystemRuntime;
  readonly #guardian: ActorCell<never>;
  readonly #extensions = new Map<ExtensionId<unknown>, unknown>();
  readonly #terminationHooks: { readonly name: string; readonly run: () => Promise<void> | void }[] = [];
  #terminating: Promise<void> | undefined;
  #resolveTerminated!: () => void;

  private constructor(
    readonly name: string,
    readonly config: ActorSystemConfig,
  ) {
    this.log = config.logger ?? new ConsoleLogger({ level: config.logLevel ?? 'info' });
    this.scheduler =
      config.scheduler ?? new SystemScheduler((error) => this.log.error({ err: error }, 'scheduled task failed'));
    const address = `engram://${name}`;
    this.#runtime = new SystemRuntime(
      this,
      address,
      this.scheduler,
      config.random ?? Math.random,
      this.log,
      requireNumber('throughput', config.throughput ?? 100, { min: 1, integer: true }),
      requireNumber('logDeadLetters', config.logDeadLetters ?? 10, { min: 0, integer: true }),
    );
    this.deadLetters = this.#runtime.deadLetters;
    const runtime = this.#runtime;
    this.refResolver = {
      toSerializationFormat: (ref) => ref.path,
      resolveActorRef: <T>(path: string) => runtime.resolve<T>(path),
    };
    this.whenTerminated = new Promise((resolve) => (this.#resolveTerminated = resolve));
    this.#guardian = new ActorCell<never>(this.#runtime, undefined, 'user', `${address}/user`, Behaviors.ignore);
    // Registered first, so it runs last: the persistence extension (created on first use) closes
    // the stores itself; a system that never used them must still close them (a SQLite journal
    // holds its file's writer lock until closed).
    if (config.persistence !== undefined) this.registerOnTermination('unused persistence stores', () => this.#closeUnusedStores());
  }

  async #closeUnusedStores(): Promise<void> {
    if (this.#terminationHooks.some((hook) => hook.name === 'persistence')) return;
    const { journal, snapshotStore, terminateTimeoutMs } = this.config.persistence ?? {};
    await closeStores({ journal, snapshotStore }, this.scheduler, this.log, terminateTimeoutMs ?? 5000);
  }

  /** `name` is used in actor paths: letters, digits, '-' and '_', starting with a letter or digit. */
  static create(name: string, config: ActorSystemConfig = {}): ActorSystem {
    if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
      throw new InvalidArgument('actor system name', name, "letters, digits, '-' and '_', starting with a letter or digit");
    }
    return new ActorSystem(name, config);
  }

  /** Starts a top-level actor at `engram://<system>/user/<name>` (a generated name if none). */
  spawn<T>(behavior: Behavior<T>, name?: string): ActorRef<T> {
    if (this.#terminating !== undefined) throw new ActorSystemTerminated(this.name, 'spawn an actor');
    return this.#guardian.spawnChild(behavior, name);
  }

  /** The per-system instance of an extension, created on first use. */
  extension<E>(id: ExtensionId<E>): E {
    if (!this.#extensions.has(id)) this.#extensions.set(id, id.create(this));
    return this.#extensions.get(id) as E;
  }

  /**
   * Runs `hook` during `terminate()`, after every actor has stopped; hooks run one at a time in
   * the reverse order of registration. A failing hook is logged and does not stop the others.
   */
  registerOnTermination(name: string, hook: () => Promise<void> | void): void {
    if (this.#terminating !== undefined) throw new ActorSystemTerminated(this.name, `register termination hook "${name}"`);
    this.#terminationHooks.push({ name, run: hook });
  }

  /**
   * Resolves when no actor has work queued, no async handler is running and no work registered
   * with `trackPendingWork` is in flight (the test kit waits for this instead of sleeping).
   */
  whenIdle(): Promise<void> {
    return this.#runtime.dispatcher.whenIdle();
  }

  get isIdle(): boolean {
    return this.#runtime.dispatcher.isIdle;
  }

  /**
   * @internal Like `isIdle`, but tolerating `allowedPending` async handlers or tracked works still in flight
   * (a test that holds a store call on purpose allows for it).
   */
  isQuiet(allowedPending: number): boolean {
    return this.#runtime.dispatcher.isQuiet(allowedPending);
  }

  /**
   * @internal Runs `task` when the dispatcher's running drain ends (every ready actor has run) and
   * returns true; false when no drain is running. The persistence engine flushes its group commit there.
   */
  atDrainEnd(task: () => void): boolean {
    return this.#runtime.dispatcher.atDrainEnd(task);
  }

  /**
   * @internal Counts `work` as activity of this system until it settles, so `whenIdle` waits for it.
   * Extensions register their I/O here (the persistence engine registers its journal calls).
   */
  trackPendingWork<V>(work: Promise<V>): Promise<V> {
    const dispatcher = this.#runtime.dispatcher;
    dispatcher.asyncStarted();
    const done = () => queueMicrotask(() => dispatcher.asyncEnded());
    work.then(done, done);
    return work;
  }

  /**
   * Stops every actor (children before parents), then runs the termination hooks (persistence
   * flushes pending writes and closes its stores there). Calling it again returns the same promise.
   */
  terminate(): Promise<void> {
    this.#terminating ??= this.#shutdown();
    return this.#terminating;
  }

  async #shutdown(): Promise<void> {
    this.#guardian.requestStop();
    await this.#guardian.terminated;
    for (const hook of [...this.#terminationHooks].reverse()) {
      try {
        await hook.run();
      } catch (error) {
        this.log.error({ err: error, hook: hook.name }, 'termination hook failed');
      }
    }
    this.#resolveTerminated();
  }

  toString(): string {
    return `ActorSystem(${this.name})`;
  }
}
