/**
 * The honest baseline of the runtime benchmark: a queue drained synchronously, the way a
 * Node.js developer writes one when a microtask per item is too slow. `push` appends; the first
 * push of a burst schedules one consumer (`queueMicrotask`), which runs `handle` for everything
 * queued, including items pushed while it runs, in a plain loop. Engram's dispatcher drains a
 * mailbox the same way, so this is the baseline its figures should be read against.
 */
export class DrainQueue<T> {
  private items: T[] = [];
  private scheduled = false;

  constructor(private readonly handle: (item: T) => void) {}

  push(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(this.drain);
  }

  private readonly drain = (): void => {
    const items = this.items;
    // Items pushed by `handle` land in the same array and are reached by the same loop.
    for (let i = 0; i < items.length; i++) this.handle(items[i]!);
    this.items = [];
    this.scheduled = false;
  };
}
