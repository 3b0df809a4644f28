import type { ActorRef } from '../ActorRef.js';
import type { DeadLetters } from '../DeadLetters.js';
import { AskTimeout, InvalidMessage, RecipientTerminated } from '../errors.js';
import { AskerList, type AskRecipient } from './AskRecipient.js';
import type { AskLane, AskTimeouts, TimedAsk } from './AskTimeouts.js';

/** What a temporary ref needs from its system (and what an `ask` to one needs). */
export interface TempRefHost {
  readonly address: string;
  readonly deadLetters: DeadLetters;
  readonly askTimeouts: AskTimeouts;
  register(ref: ActorRef<never>): void;
  unregister(path: string): void;
  /** A temp ref for an ask to `targetPath` (via `recipient`): its outcome goes to `resolve` / `reject`. */
  tempRef<R>(targetPath: string, recipient: AskRecipient, timeoutMs: number, resolve: (reply: R) => void, reject: (error: unknown) => void): TempActorRef<R>;
}

/**
 * The reply side of one `ask` (Akka's PromiseActorRef): the first message resolves the ask, later
 * ones are dead letters. While the ask waits, this ref is registered with the target's actor,
 * which fails it if it terminates; whichever of reply, timeout or termination comes first settles
 * the ask and undoes the other two.
 *
 * Its path is built, and the ref registered for resolution, only when someone reads the path (to
 * serialize it); most asks never do, and skip that cost. An ask *to* a temp ref (a resolved
 * `replyTo`) fails once the ref has taken its message, as an ask to a stopped actor does.
 */
export class TempActorRef<T> implements ActorRef<T>, AskRecipient, TimedAsk {
  /** Links in the target's `AskerList`. */
  prevAsker: TempActorRef<unknown> | undefined;
  nextAsker: TempActorRef<unknown> | undefined;
  /** Named in the error messages; set once the request is built. */
  requestType = 'the request';
  /** When the ask times out (its lane's clock). */
  dueAt = 0;
  #lane: AskLane | undefined;
  readonly #host: TempRefHost;
  readonly #id: number;
  readonly #targetPath: string;
  readonly #recipient: AskRecipient;
  readonly #timeoutMs: number;
  readonly #resolve: (reply: T) => void;
  readonly #reject: (error: unknown) => void;
  #open = true;
  #path: string | undefined;
  /** Asks to this ref itself. */
  #askers: AskerList | undefined;

  constructor(
    host: TempRefHost,
    id: number,
    targetPath: string,
    recipient: AskRecipient,
    timeoutMs: number,
    resolve: (reply: T) => void,
    reject: (error: unknown) => void,
  ) {
    this.#host = host;
    this.#id = id;
    this.#targetPath = targetPath;
    this.#recipient = recipient;
    this.#timeoutMs = timeoutMs;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Starts the ask's timeout (once, after `register`). */
  startTimeout(): void {
    this.#lane = this.#host.askTimeouts.add(this, this.#timeoutMs);
  }

  get path(): string {
    if (this.#path === undefined) {
      this.#path = `${this.#host.address}/temp/$${this.#id.toString(36)}`;
      if (this.#open) this.#host.register(this as ActorRef<never>);
    }
    return this.#path;
  }

  get settled(): boolean {
    return !this.#open;
  }

  tell(message: T): void {
    if (message === null || message === undefined) throw new InvalidMessage(this.path);
    if (!this.#open) {
      this.#host.deadLetters.publish({ message, recipient: this.path, reason: 'reply already received' });
      return;
    }
    this.close();
    this.#resolve(message);
  }

  toJSON(): string {
    return this.path;
  }

  toString(): string {
    return `ActorRef(${this.path})`;
  }

  /** Starts waiting on the target's actor (which may fail the ask at once). */
  register(): void {
    this.#recipient.addAsker(this as TempActorRef<unknown>);
  }

  timedOut(): void {
    if (this.close()) this.#reject(new AskTimeout(this.#targetPath, this.#timeoutMs, this.requestType));
  }

  /** Called by the recipient, which has already taken this ask off its list. */
  recipientTerminated(when: RecipientTerminated['when'], failure: Error | undefined): void {
    if (this.close()) {
      this.#reject(new RecipientTerminated(this.#targetPath, this.requestType, when, failure));
    }
  }

  fail(error: unknown): void {
    if (this.close()) this.#reject(error);
  }

  addAsker(ask: TempActorRef<unknown>): void {
    if (!this.#open) return ask.recipientTerminated('not alive', undefined);
    (this.#askers ??= new AskerList()).add(ask);
  }

  removeAsker(ask: TempActorRef<unknown>): void {
    this.#askers?.remove(ask);
  }

  /** What an `ask` to a temp ref needs: its system, and the ref itself as the recipient. */
  static askSinkOf(ref: unknown): { readonly sys: TempRefHost; readonly recipient: AskRecipient } | undefined {
    return ref instanceof TempActorRef ? { sys: ref.#host, recipient: ref } : undefined;
  }

  /** Settles: false if it already was. Later messages to the ref are dead letters. */
  private close(): boolean {
    if (!this.#open) return false;
    this.#open = false;
    if (this.#lane !== undefined) this.#host.askTimeouts.settled(this.#lane);
    this.#recipient.removeAsker(this as TempActorRef<unknown>);
    if (this.#path !== undefined) this.#host.unregister(this.#path);
    this.#askers?.failAll(undefined);
    return true;
  }
}
