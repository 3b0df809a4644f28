import { RingQueue } from '../../actor/internal/RingQueue.js';

/**
 * Commands a persistent actor holds back (while recovering or persisting, or stashed by the user),
 * bounded by a capacity. `push` returns false when full; the caller applies the overflow policy.
 */
export class CommandStash<C> {
  private queue = new RingQueue<C>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.queue.size;
  }

  get isEmpty(): boolean {
    return this.queue.isEmpty;
  }

  push(command: C): boolean {
    if (this.queue.size >= this.capacity) return false;
    this.queue.push(command);
    return true;
  }

  shift(): C | undefined {
    return this.queue.shift();
  }

  /** Puts `commands` before everything already stashed (they are older). */
  prepend(commands: readonly C[]): void {
    if (commands.length === 0) return;
    const rest = this.queue.drain();
    this.queue = new RingQueue<C>(commands.length + rest.length);
    for (const command of commands) this.queue.push(command);
    for (const command of rest) this.queue.push(command);
  }

  drain(): C[] {
    return this.queue.drain();
  }
}
