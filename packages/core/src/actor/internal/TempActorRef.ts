import type { ActorRef } from '../ActorRef.js';
import type { DeadLetters } from '../DeadLetters.js';
import { InvalidMessage } from '../errors.js';

/** What a temporary ref needs from its system. */
export interface TempRefHost {
  readonly address: string;
  readonly deadLetters: DeadLetters;
  register(ref: ActorRef<never>): void;
  unregister(path: string): void;
}

/**
 * A one-reply ref (for `ask`): the first message completes it, later ones are dead letters. Its
 * path is built, and the ref registered for resolution, only when someone reads the path (to
 * serialize it); most asks never do, and skip that cost.
 */
export class TempActorRef<T> implements ActorRef<T> {
  readonly #host: TempRefHost;
  readonly #id: number;
  readonly #onReply: (message: T) => void;
  #open = true;
  #path: string | undefined;

  constructor(host: TempRefHost, id: number, onReply: (message: T) => void) {
    this.#host = host;
    this.#id = id;
    this.#onReply = onReply;
  }

  get path(): string {
    if (this.#path === undefined) {
      this.#path = `${this.#host.address}/temp/$${this.#id.toString(36)}`;
      if (this.#open) this.#host.register(this as ActorRef<never>);
    }
    return this.#path;
  }

  tell(message: T): void {
    if (message === null || message === undefined) throw new InvalidMessage(this.path);
    if (!this.#open) {
      this.#host.deadLetters.publish({ message, recipient: this.path, reason: 'reply already received' });
      return;
    }
    this.dispose();
    this.#onReply(message);
  }

  toJSON(): string {
    return this.path;
  }

  toString(): string {
    return `ActorRef(${this.path})`;
  }

  dispose(): void {
    this.#open = false;
    if (this.#path !== undefined) this.#host.unregister(this.#path);
  }
}
