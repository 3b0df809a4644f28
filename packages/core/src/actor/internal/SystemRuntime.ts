import type { ActorRef } from '../ActorRef.js';
import type { ActorSystem } from '../ActorSystem.js';
import { DeadLetters } from '../DeadLetters.js';
import { InvalidMessage } from '../errors.js';
import type { Logger } from '../Logger.js';
import type { Scheduler } from '../Scheduler.js';
import type { SystemInternals } from './ActorCell.js';
import { Dispatcher } from './Dispatcher.js';
import { LocalActorRef } from './LocalActorRef.js';
import { type AskRecipient, goneRecipient } from './AskRecipient.js';
import { AskTimeouts } from './AskTimeouts.js';
import { TempActorRef } from './TempActorRef.js';

/** The machinery of one actor system, kept off its public face. */
export class SystemRuntime implements SystemInternals {
  readonly dispatcher: Dispatcher;
  readonly deadLetters: DeadLetters;
  readonly askTimeouts: AskTimeouts;
  private readonly refs = new Map<string, ActorRef<never>>();
  private tempCount = 0;

  constructor(
    readonly system: ActorSystem,
    readonly address: string,
    readonly scheduler: Scheduler,
    readonly random: () => number,
    readonly log: Logger,
    throughput: number,
    logDeadLetters: number,
  ) {
    this.dispatcher = new Dispatcher(throughput, 10);
    this.deadLetters = new DeadLetters(log, logDeadLetters);
    this.askTimeouts = new AskTimeouts(scheduler);
  }

  register(ref: ActorRef<never>): void {
    this.refs.set(ref.path, ref);
  }

  unregister(path: string): void {
    this.refs.delete(path);
  }

  /** The live ref at `path`, or a ref whose messages become dead letters. */
  resolve<T>(path: string): ActorRef<T> {
    const live = this.refs.get(path);
    if (live !== undefined) return live as ActorRef<T>;
    return new LocalActorRef<T>(path, {
      sys: this,
      recipient: goneRecipient,
      tell: (message) => {
        if (message === null || message === undefined) throw new InvalidMessage(path);
        this.deadLetters.publish({ message, recipient: path, reason: 'no such actor' });
      },
    });
  }

  tempRef<T>(targetPath: string, recipient: AskRecipient, timeoutMs: number, resolve: (reply: T) => void, reject: (error: unknown) => void): TempActorRef<T> {
    return new TempActorRef<T>(this, this.tempCount++, targetPath, recipient, timeoutMs, resolve, reject);
  }
}
