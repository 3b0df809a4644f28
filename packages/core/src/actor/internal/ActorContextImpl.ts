import { requireNumber } from '../../errors/index.js';
import type { ActorContext } from '../ActorContext.js';
import type { ActorRef } from '../ActorRef.js';
import type { ActorSystem } from '../ActorSystem.js';
import type { Behavior } from '../Behavior.js';
import type { Logger } from '../Logger.js';
import type { Cancellable } from '../Scheduler.js';
import type { ActorCell } from './ActorCell.js';
import { Adapted } from './Envelope.js';
import { LocalActorRef } from './LocalActorRef.js';

export class ActorContextImpl<T> implements ActorContext<T> {
  private adapterCount = 0;

  constructor(private readonly cell: ActorCell<T>) {}

  get self(): ActorRef<T> {
    return this.cell.self;
  }

  get name(): string {
    return this.cell.name;
  }

  get system(): ActorSystem {
    return this.cell.sys.system;
  }

  get log(): Logger {
    return this.cell.log;
  }

  spawn<U>(behavior: Behavior<U>, name: string): ActorRef<U> {
    return this.cell.spawnChild(behavior, name);
  }

  spawnAnonymous<U>(behavior: Behavior<U>): ActorRef<U> {
    return this.cell.spawnChild(behavior, undefined);
  }

  stop(child: ActorRef<never>): void {
    this.cell.stopChild(child);
  }

  get children(): readonly ActorRef<never>[] {
    return [...this.cell.children.values()].map((child) => child.self as ActorRef<never>);
  }

  child(name: string): ActorRef<never> | undefined {
    return this.cell.children.get(name)?.self as ActorRef<never> | undefined;
  }

  watch(ref: ActorRef<never>): void {
    this.cell.watch(ref);
  }

  watchWith(ref: ActorRef<never>, message: T): void {
    this.cell.watch(ref, message);
  }

  unwatch(ref: ActorRef<never>): void {
    this.cell.unwatch(ref);
  }

  messageAdapter<U>(adapt: (message: U) => T): ActorRef<U> {
    const cell = this.cell;
    const path = `${cell.path}/$adapter${(this.adapterCount++).toString(36)}`;
    return new LocalActorRef<U>(path, {
      sys: cell.sys,
      recipient: cell,
      tell: (message) => cell.tell(new Adapted(() => adapt(message as U), message)),
    });
  }

  pipeToSelf<V>(promise: Promise<V>, onSuccess: (value: V) => T, onFailure: (error: unknown) => T): void {
    const cell = this.cell;
    promise.then(
      (value) => cell.tell(new Adapted(() => onSuccess(value), value)),
      (error: unknown) => cell.tell(new Adapted(() => onFailure(error), error)),
    );
  }

  /**
   * @internal Puts `messages` in front of the mailbox, in order (they are older than what waits
   * there). They survive a restart. Used by the persistence engine to keep its stashed commands.
   */
  requeueFirst(messages: readonly unknown[]): void {
    if (messages.length > 0) this.cell.unstash(messages);
  }

  scheduleOnce<U>(delayMs: number, target: ActorRef<U>, message: U): Cancellable {
    requireNumber('scheduleOnce delayMs', delayMs, { min: 0 });
    return this.cell.sys.scheduler.schedule(delayMs, () => target.tell(message));
  }
}
