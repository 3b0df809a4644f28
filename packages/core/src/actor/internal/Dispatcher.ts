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
 *
 * Work can wait for the end of the running drain (`atDrainEnd`): the group commit sends the writes
 * of every actor that ran in it in one call as soon as they have all run, instead of a turn later.
 */
export class Dispatcher {
  private readonly ready = new RingQueue<Runnable>(1024);
  private draining = false;
  /** True while `drain` runs actors (not between the slices of a long drain). */
  private running = false;
  private drainEndTasks: (() => void)[] = [];
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

  /**
   * Runs `task` once the drain now running has run every ready actor (or yields to the event loop),
   * and returns true; returns false, doing nothing, when no drain is running (the caller then
   * schedules the task itself).
   */
  atDrainEnd(task: () => void): boolean {
    if (!this.running) return false;
    this.drainEndTasks.push(task);
    return true;
  }

  private readonly drain = (): void => {
    const start = performance.now();
    let turns = 0;
    this.running = true;
    for (let actor = this.ready.shift(); actor !== undefined; actor = this.ready.shift()) {
      actor.run(this.throughput);
      if ((++turns & 63) === 0 && performance.now() - start > this.sliceMs) {
        setImmediate(this.drain);
        this.endOfDrain();
        return;
      }
    }
    this.draining = false;
    this.endOfDrain();
    if (this.pendingAsync === 0 && !this.draining) this.notifyIdle();
  };

  private endOfDrain(): void {
    this.running = false;
    if (this.drainEndTasks.length === 0) return;
    const tasks = this.drainEndTasks;
    this.drainEndTasks = [];
    for (const task of tasks) task();
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
