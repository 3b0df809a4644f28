/**
 * One baseline of the runtime benchmark: the simplest async queue a Node.js developer would write,
 * with one consumer loop awaiting each item, so it pays a microtask per item. Engram's actors do the
 * same work (a mailbox drained by one consumer, in order) plus behaviors, supervision and
 * lifecycle, but drain the mailbox synchronously: read their figures against `DrainQueue` too.
 */
export class AsyncQueue<T> {
  private items: T[] = [];
  private head = 0;
  private waiter: ((item: T) => void) | undefined;

  push(item: T): void {
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter(item);
    } else {
      this.items.push(item);
    }
  }

  take(): Promise<T> | T {
    if (this.head < this.items.length) {
      const item = this.items[this.head++]!;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      }
      return item;
    }
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Runs `handle` for each item, one at a time, forever (the consumer loop). */
  consume(handle: (item: T) => void): void {
    void (async () => {
      for (;;) handle(await this.take());
    })();
  }
}
