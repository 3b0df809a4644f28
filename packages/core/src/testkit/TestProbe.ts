import { deepStrictEqual } from 'node:assert/strict';
import { AssertionError } from 'node:assert';
import type { ActorRef } from '../actor/ActorRef.js';
import type { ActorSystem } from '../actor/ActorSystem.js';
import { Behaviors } from '../actor/Behaviors.js';
import type { Terminated } from '../actor/Signal.js';

class WatchRequest {
  constructor(readonly target: ActorRef<never>) {}
}

type Received<T> = { readonly kind: 'message'; readonly message: T } | { readonly kind: 'terminated'; readonly signal: Terminated };

/**
 * An actor that records what it receives, for assertions. Waiting for a message never uses a
 * timeout: if the message has not arrived when the whole system is idle, it never will, and the
 * expectation fails at once with a message saying so.
 */
export class TestProbe<T> {
  readonly ref: ActorRef<T>;
  private readonly received: Received<T>[] = [];
  private readonly all: T[] = [];
  private arrival: (() => void) | undefined;

  constructor(
    private readonly system: ActorSystem,
    private readonly settle: () => Promise<void>,
    name?: string,
  ) {
    this.ref = system.spawn(
      Behaviors.receive<unknown>(
        (ctx, message) => {
          if (message instanceof WatchRequest) return ctx.watch(message.target);
          this.all.push(message as T);
          this.push({ kind: 'message', message: message as T });
        },
        (_ctx, signal) => {
          if (signal.type === 'Terminated') this.push({ kind: 'terminated', signal });
        },
      ),
      name,
    ) as ActorRef<T>;
  }

  /** Every message received so far, including those already taken by expectations. */
  get messages(): readonly T[] {
    return this.all;
  }

  /** The next message (waiting until the system is idle); fails if none arrives. */
  async receiveMessage(): Promise<T> {
    const next = await this.next('a message');
    if (next.kind !== 'message') {
      throw new AssertionError({ message: `${this.ref.path} expected a message, got Terminated(${next.signal.ref.path})` });
    }
    return next.message;
  }

  async receiveMessages(count: number): Promise<T[]> {
    const messages: T[] = [];
    for (let i = 0; i < count; i++) messages.push(await this.receiveMessage());
    return messages;
  }

  /** The next message, which must deep-equal `expected`. */
  async expectMessage(expected: T): Promise<T> {
    const message = await this.receiveMessage();
    deepStrictEqual(message, expected, `${this.ref.path} received an unexpected message`);
    return message;
  }

  /** Waits until the system is idle and asserts that nothing more arrived. */
  async expectNoMessage(): Promise<void> {
    await this.settle();
    const next = this.received[0];
    if (next !== undefined) {
      const what = next.kind === 'message' ? JSON.stringify(next.message) : `Terminated(${next.signal.ref.path})`;
      throw new AssertionError({ message: `${this.ref.path} expected no message, got ${what}` });
    }
  }

  /** Watches `ref` and waits for it to terminate; returns the Terminated signal. */
  async expectTerminated(ref: ActorRef<never>): Promise<Terminated> {
    (this.ref as ActorRef<unknown>).tell(new WatchRequest(ref));
    const next = await this.next(`Terminated(${ref.path})`);
    if (next.kind !== 'terminated' || next.signal.ref.path !== ref.path) {
      const got = next.kind === 'message' ? JSON.stringify(next.message) : `Terminated(${next.signal.ref.path})`;
      throw new AssertionError({ message: `${this.ref.path} expected Terminated(${ref.path}), got ${got}` });
    }
    return next.signal;
  }

  private push(item: Received<T>): void {
    this.received.push(item);
    this.arrival?.();
  }

  /** The next item: waits for an arrival or for the system to go idle, whichever comes first. */
  private async next(what: string): Promise<Received<T>> {
    for (;;) {
      const next = this.received.shift();
      if (next !== undefined) return next;
      const arrived = new Promise<boolean>((resolve) => (this.arrival = () => resolve(true)));
      const idle = this.settle().then(() => false);
      const gotSomething = await Promise.race([arrived, idle]);
      this.arrival = undefined;
      if (!gotSomething && this.received.length === 0) {
        throw new AssertionError({
          message: `${this.ref.path} expected ${what}, but the system is idle and nothing arrived`,
        });
      }
    }
  }
}
