import type { ActorRef } from '../ActorRef.js';
import type { SystemInternals } from './ActorCell.js';
import type { AskRecipient } from './AskRecipient.js';

/** What a ref reaches: something accepting messages, in a system. */
export interface MessageSink {
  tell(message: unknown): void;
  readonly sys: SystemInternals;
  /** Whose termination fails the asks to this ref. */
  readonly recipient: AskRecipient;
}

/**
 * A ref to an actor of this process. The sink is held in a private field, so the ref serializes to
 * nothing but its path.
 */
export class LocalActorRef<T> implements ActorRef<T> {
  readonly #sink: MessageSink;

  constructor(
    readonly path: string,
    sink: MessageSink,
  ) {
    this.#sink = sink;
  }

  tell(message: T): void {
    this.#sink.tell(message);
  }

  toJSON(): string {
    return this.path;
  }

  toString(): string {
    return `ActorRef(${this.path})`;
  }

  /** The sink behind a ref of this process, if it is one. */
  static sinkOf(ref: unknown): MessageSink | undefined {
    return ref instanceof LocalActorRef ? ref.#sink : undefined;
  }
}
