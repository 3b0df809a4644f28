import type { ActorRef } from '../ActorRef.js';
import type { ActorSystem } from '../ActorSystem.js';
import type {
  Behavior,
  BehaviorResult,
  ReceiveBehavior,
  SetupBehavior,
  SuperviseBehavior,
  WithStashBehavior,
  WithTimersBehavior,
} from '../Behavior.js';
import type { DeadLetterReason, DeadLetters } from '../DeadLetters.js';
import {
  DeathPactError,
  describeMessage,
  IllegalActorOperation,
  InvalidActorName,
  InvalidMessage,
  NonErrorFailure,
} from '../errors.js';
import type { Logger } from '../Logger.js';
import type { Cancellable, Scheduler } from '../Scheduler.js';
import { PostStop, PreRestart, type Signal, type Terminated } from '../Signal.js';
import { ActorContextImpl } from './ActorContextImpl.js';
import type { Dispatcher, Runnable } from './Dispatcher.js';
import { Adapted, Envelope, TimerFired, WatchedTerminated } from './Envelope.js';
import { InternalMessage } from './InternalMessage.js';
import { LocalActorRef, type MessageSink } from './LocalActorRef.js';
import { AskerList, type AskRecipient } from './AskRecipient.js';
import { RingQueue } from './RingQueue.js';
import { StashBufferImpl, type StashOwner } from './StashBufferImpl.js';
import type { AskTimeouts } from './AskTimeouts.js';
import type { TempActorRef } from './TempActorRef.js';
import { SupervisorFrame } from './SupervisorFrame.js';
import { TimerSchedulerImpl } from './TimerSchedulerImpl.js';

/** What every actor of a system shares. */
export interface SystemInternals {
  readonly system: ActorSystem;
  readonly dispatcher: Dispatcher;
  readonly scheduler: Scheduler;
  readonly random: () => number;
  readonly deadLetters: DeadLetters;
  readonly log: Logger;
  register(ref: ActorRef<never>): void;
  unregister(path: string): void;
  readonly askTimeouts: AskTimeouts;
  tempRef<R>(targetPath: string, recipient: AskRecipient, timeoutMs: number, resolve: (reply: R) => void, reject: (error: unknown) => void): TempActorRef<R>;
}

type SystemMessage =
  | { readonly kind: 'start' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'restartNow' }
  | { readonly kind: 'childTerminated'; readonly child: AnyCell };

/**
 * running: handles messages. restarting: waiting for its children to stop before a restart.
 * backoff: waiting for the restart delay (messages are kept, up to the strategy's stash capacity).
 * stopping: waiting for its children, then PostStop. terminated: every message is a dead letter.
 */
type State = 'new' | 'running' | 'restarting' | 'backoff' | 'stopping' | 'terminated';

const noCustomMessage = Symbol('watch');

// Cells of any message type live side by side in child maps and watch sets.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCell = ActorCell<any>;

/**
 * One running actor: its mailbox, current behavior, children, watchers and supervision. Messages
 * are handled one at a time; an async handler holds the mailbox until its Promise settles. Runtime
 * messages (start, stop, child and watch notifications) go before user messages, but never
 * interrupt a handler.
 */
export class ActorCell<T> implements Runnable, StashOwner, MessageSink, AskRecipient {
  readonly self: LocalActorRef<T>;
  readonly log: Logger;
  readonly context: ActorContextImpl<T>;
  readonly children = new Map<string, AnyCell>();
  readonly terminated: Promise<void>;
  private state: State = 'new';
  private behavior: Behavior<T> | undefined;
  private readonly supervisors: SupervisorFrame[] = [];
  private readonly mailbox = new RingQueue<unknown>();
  private readonly systemQueue = new RingQueue<SystemMessage>();
  private unstashed: RingQueue<unknown> | undefined;
  private busy = false;
  private scheduled = false;
  private readonly watchers = new Set<AnyCell>();
  private readonly watching = new Map<AnyCell, unknown>();
  /** Asks waiting for a reply from this actor; they fail when it terminates (not when it restarts). */
  private askers: AskerList | undefined;
  private timerScheduler: TimerSchedulerImpl<T> | undefined;
  private stashes: StashBufferImpl<T>[] = [];
  private failure: Error | undefined;
  private restartFrame: SupervisorFrame | undefined;
  private restartDelayMs = 0;
  private backoffTask: Cancellable | undefined;
  private backoffCapacity = 0;
  private anonymousCount = 0;
  private resolveTerminated!: () => void;

  constructor(
    readonly sys: SystemInternals,
    readonly parent: AnyCell | undefined,
    readonly name: string,
    readonly path: string,
    private readonly initial: Behavior<T>,
  ) {
    this.self = new LocalActorRef<T>(path, this);
    this.log = sys.log.child({ actor: path });
    this.context = new ActorContextImpl<T>(this);
    this.terminated = new Promise((resolve) => (this.resolveTerminated = resolve));
    sys.register(this.self);
    this.enqueueSystem({ kind: 'start' });
  }

  get isTerminated(): boolean {
    return this.state === 'terminated';
  }

  get recipient(): AskRecipient {
    return this;
  }

  addAsker(ask: TempActorRef<unknown>): void {
    if (this.state === 'terminated') return ask.recipientTerminated('not alive', this.failure);
    (this.askers ??= new AskerList()).add(ask);
  }

  removeAsker(ask: TempActorRef<unknown>): void {
    this.askers?.remove(ask);
  }

  tell(message: unknown): void {
    if (message === null || message === undefined) throw new InvalidMessage(this.path);
    if (this.state === 'terminated') return this.deadLetter(message, 'recipient stopped');
    if (this.state === 'backoff' && this.mailbox.size >= this.backoffCapacity) {
      return this.deadLetter(message, 'restart stash full');
    }
    this.mailbox.push(message);
    if (!this.scheduled && !this.busy && this.state === 'running') {
      this.scheduled = true;
      this.sys.dispatcher.schedule(this);
    }
  }

  run(budget: number): void {
    this.scheduled = false;
    let handled = 0;
    while (!this.busy) {
      const system = this.systemQueue.shift();
      if (system !== undefined) {
        this.handleSystem(system);
        continue;
      }
      if (this.state !== 'running') return;
      const queue = this.unstashed !== undefined && !this.unstashed.isEmpty ? this.unstashed : this.mailbox;
      if (queue.isEmpty) return;
      if (handled === budget) return this.wake();
      handled++;
      this.deliver(queue.shift());
    }
  }

  // ---- children, watching, stash, timers (used by the context) ----

  spawnChild<U>(behavior: Behavior<U>, name: string | undefined): ActorRef<U> {
    if (this.state === 'stopping' || this.state === 'terminated') {
      throw new IllegalActorOperation(this.path, 'cannot spawn a child while stopping');
    }
    const childName = name ?? `$${(this.anonymousCount++).toString(36)}`;
    if (name !== undefined) validateActorName(name, this.path);
    if (this.children.has(childName)) {
      throw new InvalidActorName(childName, this.path, 'the name is taken by a live sibling');
    }
    const child = new ActorCell<U>(this.sys, this, childName, `${this.path}/${childName}`, behavior);
    this.children.set(childName, child);
    return child.self;
  }

  stopChild(ref: ActorRef<never>): void {
    const cell = cellOf(ref);
    if (cell === undefined || cell.parent !== this) {
      const hint = cell === this ? ' (to stop itself an actor returns Behaviors.stopped)' : '';
      throw new IllegalActorOperation(this.path, `can only stop its own children; ${ref.path} is not one${hint}`);
    }
    cell.requestStop();
  }

  requestStop(): void {
    this.enqueueSystem({ kind: 'stop' });
  }

  watch(ref: ActorRef<never>, custom: unknown = noCustomMessage): void {
    const cell = cellOf(ref);
    if (cell === undefined) throw new IllegalActorOperation(this.path, `can only watch actors, not ${ref.path}`);
    if (cell === this) return;
    this.watching.set(cell, custom);
    if (cell.state === 'terminated') {
      this.tell(new WatchedTerminated(cell, cell.failure));
    } else {
      cell.watchers.add(this);
    }
  }

  unwatch(ref: ActorRef<never>): void {
    const cell = cellOf(ref);
    if (cell === undefined) return;
    this.watching.delete(cell);
    cell.watchers.delete(this);
  }

  get timers(): TimerSchedulerImpl<T> {
    this.timerScheduler ??= new TimerSchedulerImpl<T>((fired) => this.tell(fired), this.sys.scheduler);
    return this.timerScheduler;
  }

  unstash(messages: readonly unknown[]): void {
    this.unstashed ??= new RingQueue<unknown>(messages.length);
    for (const message of messages) this.unstashed.push(message);
  }

  deadLetter(message: unknown, reason: DeadLetterReason = 'stash discarded'): void {
    if (message instanceof TimerFired || message instanceof WatchedTerminated || message instanceof InternalMessage) return;
    const original = message instanceof Adapted ? message.original : message;
    this.sys.deadLetters.publish({ message: original, recipient: this.path, reason });
  }

  // ---- message and signal delivery ----

  private deliver(raw: unknown): void {
    let message = raw;
    if (message instanceof Envelope) {
      if (message instanceof WatchedTerminated) return this.watchedTerminated(message.cell as AnyCell, message.failure);
      try {
        message = message instanceof TimerFired ? this.timers.open(message) : (message as Adapted).produce();
      } catch (error) {
        return this.fail(error, false);
      }
      if (message === undefined) return;
    }
    const behavior = this.behavior;
    if (behavior === undefined || behavior.tag !== 'receive') {
      if (behavior?.tag === 'empty') this.unhandled(message);
      return;
    }
    const onMessage = (behavior as ReceiveBehavior<T>).onMessage;
    if (onMessage === undefined) return this.unhandled(message);
    let result: BehaviorResult<T> | Promise<BehaviorResult<T>>;
    try {
      result = onMessage(this.context, message as T);
    } catch (error) {
      return this.fail(error, false);
    }
    if (result === undefined) return;
    if (result instanceof Promise) {
      return this.awaitAsync(result, (next) => this.become(next, message), (error) => this.fail(error, false));
    }
    try {
      this.become(result, message);
    } catch (error) {
      this.fail(error, false);
    }
  }

  private become(next: BehaviorResult<T>, message: unknown): void {
    if (next === undefined || next.tag === 'same') return;
    if (next.tag === 'unhandled') return this.unhandled(message);
    this.install(next, false);
  }

  /** Runs setup-like wrappers until a behavior that handles messages is reached. */
  private install(first: Behavior<T>, duringStart: boolean): void {
    let next = first;
    for (;;) {
      switch (next.tag) {
        case 'receive':
        case 'empty':
        case 'ignore':
          this.behavior = next;
          return;
        case 'same':
        case 'unhandled':
          if (this.behavior !== undefined) return;
          throw new IllegalActorOperation(
            this.path,
            `a setup returned Behaviors.${next.tag}; it must return the behavior the actor starts with`,
          );
        case 'stopped':
          return this.stop(undefined);
        case 'supervise': {
          const node = next as SuperviseBehavior<T>;
          this.supervisors.push(new SupervisorFrame(node as SuperviseBehavior<unknown>, this.sys.scheduler.now()));
          next = node.inner;
          continue;
        }
        case 'withTimers':
          next = (next as WithTimersBehavior<T>).factory(this.timers);
          continue;
        case 'withStash': {
          const node = next as WithStashBehavior<T>;
          const stash = new StashBufferImpl<T>(this, node.capacity);
          this.stashes.push(stash);
          next = node.factory(stash);
          continue;
        }
        case 'setup': {
          const produced = (next as SetupBehavior<T>).factory(this.context);
          if (!(produced instanceof Promise)) {
            next = produced;
            continue;
          }
          return this.awaitAsync(
            produced,
            (behavior) => this.install(behavior, duringStart),
            (error) => this.fail(error, duringStart),
          );
        }
      }
    }
  }

  private watchedTerminated(cell: AnyCell, failure: Error | undefined): void {
    if (!this.watching.has(cell)) return;
    const custom = this.watching.get(cell);
    this.watching.delete(cell);
    if (custom !== noCustomMessage) return this.deliver(custom);
    this.deliverTerminated(cell.self, failure);
  }

  private deliverTerminated(ref: ActorRef<never>, failure: Error | undefined): void {
    const signal: Terminated = failure === undefined ? { type: 'Terminated', ref } : { type: 'Terminated', ref, failure };
    const deathPact = () => this.fail(new DeathPactError(this.path, ref.path), false);
    const onSignal = this.behavior?.tag === 'receive' ? (this.behavior as ReceiveBehavior<T>).onSignal : undefined;
    if (onSignal === undefined) return this.behavior?.tag === 'ignore' ? undefined : deathPact();
    const after = (next: BehaviorResult<T>) => (next?.tag === 'unhandled' ? deathPact() : this.become(next, signal));
    let result: BehaviorResult<T> | Promise<BehaviorResult<T>>;
    try {
      result = onSignal(this.context, signal);
      if (!(result instanceof Promise)) return after(result);
    } catch (error) {
      return this.fail(error, false);
    }
    this.awaitAsync(result, after, (error) => this.fail(error, false));
  }

  /** PostStop / PreRestart: the handler's result is ignored and its failure only logged. */
  private lifecycleSignal(behavior: Behavior<T> | undefined, signal: Signal, then: () => void): void {
    const onSignal = behavior?.tag === 'receive' ? (behavior as ReceiveBehavior<T>).onSignal : undefined;
    if (onSignal === undefined) return then();
    const logged = (error: unknown) => {
      this.log.error({ err: error }, `${signal.type} handler failed`);
      then();
    };
    try {
      const result = onSignal(this.context, signal);
      if (!(result instanceof Promise)) return then();
      this.awaitAsync(result, then, logged);
    } catch (error) {
      logged(error);
    }
  }

  private unhandled(message: unknown): void {
    this.log.debug({ message: describeMessage(message) }, 'unhandled message');
  }

  private awaitAsync<V>(promise: Promise<V>, onValue: (value: V) => void, onError: (error: unknown) => void): void {
    this.busy = true;
    this.sys.dispatcher.asyncStarted();
    const settle = (run: () => void) => {
      this.busy = false;
      try {
        run();
      } catch (error) {
        this.fail(error, false);
      }
      this.wake();
      this.sys.dispatcher.asyncEnded();
    };
    promise.then(
      (value) => settle(() => onValue(value)),
      (error: unknown) => settle(() => onError(error)),
    );
  }

  // ---- lifecycle: start, failure, restart, stop ----

  private enqueueSystem(message: SystemMessage): void {
    if (this.state === 'terminated') return;
    this.systemQueue.push(message);
    this.wake();
  }

  private wake(): void {
    if (this.scheduled || this.busy || this.state === 'terminated') return;
    const hasUserWork =
      this.state === 'running' && (!this.mailbox.isEmpty || (this.unstashed !== undefined && !this.unstashed.isEmpty));
    if (!hasUserWork && this.systemQueue.isEmpty) return;
    this.scheduled = true;
    this.sys.dispatcher.schedule(this);
  }

  private handleSystem(message: SystemMessage): void {
    switch (message.kind) {
      case 'start':
        if (this.state !== 'new') return;
        this.state = 'running';
        return this.startWith(this.initial);
      case 'stop':
        return this.stop(undefined);
      case 'restartNow':
        if (this.state === 'backoff' && this.restartFrame !== undefined) this.startIncarnation(this.restartFrame);
        return;
      case 'childTerminated':
        if (this.children.get(message.child.name) === message.child) this.children.delete(message.child.name);
        if (this.children.size > 0) return;
        if (this.state === 'stopping') return this.finishStop();
        if (this.state === 'restarting') return this.continueRestart();
        return;
    }
  }

  private startWith(behavior: Behavior<T>): void {
    try {
      this.install(behavior, true);
    } catch (error) {
      this.fail(error, true);
    }
  }

  private fail(raw: unknown, duringStart: boolean): void {
    const error = raw instanceof Error ? raw : new NonErrorFailure(raw);
    if (this.state !== 'running') {
      this.log.error({ err: error }, `failed while ${this.state}; ignored`);
      return;
    }
    let index = this.supervisors.length - 1;
    while (index >= 0 && !this.supervisors[index]!.node.appliesTo(error)) index--;
    const frame = this.supervisors[index];
    const decision = frame?.decide(error, duringStart, this.behavior !== undefined, this.sys);
    if (frame === undefined || decision === undefined || decision.action === 'stop') {
      this.log.error({ err: error }, decision?.reason ?? 'failed; stopping (not supervised)');
      return this.stop(error);
    }
    if (decision.action === 'resume') {
      this.log.warn({ err: error }, decision.reason);
      return;
    }
    this.log.error({ err: error }, decision.reason);
    this.restart(index, decision.delayMs, decision.stashCapacity);
  }

  private restart(frameIndex: number, delayMs: number, stashCapacity: number): void {
    const old = this.behavior;
    this.behavior = undefined;
    this.restartFrame = this.supervisors[frameIndex];
    this.restartDelayMs = delayMs;
    this.backoffCapacity = stashCapacity;
    this.supervisors.length = frameIndex + 1;
    this.state = 'restarting';
    this.lifecycleSignal(old, PreRestart, () => {
      this.discardIncarnation();
      for (const child of this.children.values()) child.requestStop();
      if (this.children.size === 0) this.continueRestart();
    });
  }

  private continueRestart(): void {
    const frame = this.restartFrame;
    if (frame === undefined || this.state !== 'restarting') return;
    if (this.restartDelayMs <= 0) return this.startIncarnation(frame);
    this.state = 'backoff';
    this.backoffTask = this.sys.scheduler.schedule(this.restartDelayMs, () =>
      this.enqueueSystem({ kind: 'restartNow' }),
    );
  }

  private startIncarnation(frame: SupervisorFrame): void {
    this.restartFrame = undefined;
    this.backoffTask = undefined;
    this.state = 'running';
    frame.started(this.sys.scheduler.now());
    this.startWith(frame.node.inner as Behavior<T>);
  }

  /** Timers, stashes and watches belong to one incarnation; a restart or stop ends them. */
  private discardIncarnation(): void {
    this.timerScheduler?.cancelAll();
    for (const stash of this.stashes) stash.clear();
    this.stashes = [];
    for (const target of this.watching.keys()) target.watchers.delete(this);
    this.watching.clear();
  }

  private stop(failure: Error | undefined): void {
    if (this.state === 'stopping' || this.state === 'terminated') return;
    this.state = 'stopping';
    this.failure = failure;
    this.backoffTask?.cancel();
    this.timerScheduler?.cancelAll();
    for (const child of this.children.values()) child.requestStop();
    if (this.children.size === 0) this.finishStop();
  }

  private finishStop(): void {
    const behavior = this.behavior;
    this.behavior = undefined;
    this.lifecycleSignal(behavior, PostStop, () => this.terminate());
  }

  private terminate(): void {
    this.discardIncarnation();
    this.state = 'terminated';
    for (const queue of [this.unstashed, this.mailbox]) {
      if (queue === undefined) continue;
      for (const message of queue.drain()) this.deadLetter(message, 'recipient stopped');
    }
    this.askers?.failAll(this.failure);
    for (const watcher of this.watchers) watcher.tell(new WatchedTerminated(this, this.failure));
    this.watchers.clear();
    this.parent?.enqueueSystem({ kind: 'childTerminated', child: this });
    this.sys.unregister(this.path);
    this.resolveTerminated();
  }
}

/** The actor behind a ref, when it is an actor of this process. */
export function cellOf(ref: unknown): AnyCell | undefined {
  const sink = LocalActorRef.sinkOf(ref);
  return sink instanceof ActorCell ? sink : undefined;
}

export function validateActorName(name: unknown, parent: string): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidActorName(String(name), parent, 'names are non-empty strings');
  }
  if (name.includes('/')) throw new InvalidActorName(name, parent, "names cannot contain '/'");
  if (name.startsWith('$')) throw new InvalidActorName(name, parent, "names starting with '$' are reserved");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new InvalidActorName(name, parent, 'names cannot contain control characters');
}
