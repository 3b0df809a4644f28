import type { Behavior } from '../Behavior.js';
import { describeMessage, StashOverflow } from '../errors.js';
import type { StashBuffer } from '../StashBuffer.js';
import { RingQueue } from './RingQueue.js';

/** What a stash needs from its actor. */
export interface StashOwner {
  readonly path: string;
  /** Queues messages to be handled before the mailbox, after earlier unstashed ones. */
  unstash(messages: readonly unknown[]): void;
  deadLetter(message: unknown): void;
}

export class StashBufferImpl<T> implements StashBuffer<T> {
  private readonly messages = new RingQueue<T>();

  constructor(
    private readonly owner: StashOwner,
    readonly capacity: number,
  ) {}

  get size(): number {
    return this.messages.size;
  }

  get isEmpty(): boolean {
    return this.messages.isEmpty;
  }

  get isFull(): boolean {
    return this.messages.size >= this.capacity;
  }

  stash(message: T): void {
    if (this.isFull) throw new StashOverflow(this.owner.path, this.capacity, describeMessage(message));
    this.messages.push(message);
  }

  unstashAll(behavior: Behavior<T>): Behavior<T> {
    if (!this.messages.isEmpty) this.owner.unstash(this.messages.drain());
    return behavior;
  }

  clear(): void {
    for (const message of this.messages.drain()) this.owner.deadLetter(message);
  }
}
