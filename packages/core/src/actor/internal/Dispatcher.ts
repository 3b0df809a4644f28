import { RingQueue } from './RingQueue.js';

/** What the dispatcher runs: an actor with messages waiting. */
export interface Runnable {
  /** Handles at most `budget` messages, then returns (rescheduling itself if more are waiting). */
  run(budget: number): void;
}

/**
 * Runs ready actors on the event loop. The first run after a quiet period is a microtask, so a
 * tell is handled with minimal latency; each actor handles at most `throughput` messages per turn
 * (fairness between actors); after `sliceMs` of continuous work the dispatcher yields to the event
 * loop with setImmediate, so I/O, timers and HTTP requests keep flowing under load.
 */
export class Dispatcher {
  private readonly ready = new RingQueue<Runnable>(1024);
  private draining = false;
  private pendingAsync = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly throughput: number,
    private readonly sliceMs: number,
  ) {}

  schedule(actor: Runnable): void {
    this.ready.push(actor);
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(this.drain);
    }
  }

  /** An actor started waiting for an async handler; the dispatcher is not idle until it ends. */
  asyncStarted(): void {
    this.pendingAsync++;
  }

  asyncEnded(): void {
    this.pendingAsync--;
    if (this.pendingAsync === 0 && !this.draining) this.notifyIdle();
  }

  /** No actor is ready or waiting for an async handler. */
  get isIdle(): boolean {
    return !this.draining && this.pendingAsync === 0;
  }

  /** Nothing is running and at most `allowedPending` async handlers or tracked works are in flight. */
  isQuiet(allowedPending: number): boolean {
    return !this.draining && this.pendingAsync <= allowedPending;
  }

  /** Resolves the next time the dispatcher is idle (at once if it is). */
  whenIdle(): Promise<void> {
    if (this.isIdle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private readonly drain = (): void => {
    const start = performance.now();
    let turns = 0;
    for (let actor = this.ready.shift(); actor !== undefined; actor = this.ready.shift()) {
      actor.run(this.throughput);
      if ((++turns & 63) === 0 && performance.now() - start > this.sliceMs) {
        setImmediate(this.drain);
        return;
      }
    }
    this.draining = false;
    if (this.pendingAsync === 0) this.notifyIdle();
  };

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
