/**
 * Runs the consumers of many DrainQueues in one plain loop: the first queue that gets an item
 * schedules the loop (`queueMicrotask`), and a queue that gets items while the loop runs is
 * drained in the same run. A program whose queues share one loop pays one microtask per burst of
 * the whole program, as actors sharing Engram's dispatcher do.
 */
export class DrainLoop {
  private ready: (() => void)[] = [];
  private head = 0;
  private scheduled = false;

  /** Runs `drain` in the loop's current or next run. */
  schedule(drain: () => void): void {
    this.ready.push(drain);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(this.run);
  }

  private readonly run = (): void => {
    while (this.head < this.ready.length) {
      this.ready[this.head++]!();
      // Long runs (ping-pong) keep adding drains: drop the ones done instead of growing forever.
      if (this.head >= 1024 && this.head * 2 >= this.ready.length) {
        this.ready = this.ready.slice(this.head);
        this.head = 0;
      }
    }
    this.ready = [];
    this.head = 0;
    this.scheduled = false;
  };
}

/**
 * The honest baseline of the runtime benchmark: a queue drained synchronously, the way a
 * Node.js developer writes one when a microtask per item is too slow. `push` appends; the first
 * push of a burst schedules one consumer, which runs `handle` for everything queued, including
 * items pushed while it runs, in a plain loop. The consumer is scheduled with its own
 * `queueMicrotask`, or in `loop` when given (queues of one program sharing one loop). Engram's
 * dispatcher drains mailboxes the same way, so this is the baseline its figures should be read
 * against.
 */
export class DrainQueue<T> {
  private items: T[] = [];
  private scheduled = false;

  constructor(
    private readonly handle: (item: T) => void,
    private readonly loop?: DrainLoop,
  ) {}

  push(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.loop === undefined) queueMicrotask(this.drain);
    else this.loop.schedule(this.drain);
  }

  private readonly drain = (): void => {
    const items = this.items;
    // Items pushed by `handle` land in the same array and are reached by the same loop.
    for (let i = 0; i < items.length; i++) this.handle(items[i]!);
    this.items = [];
    this.scheduled = false;
  };
}
