import { requireNumber } from '../errors/index.js';
import type { Cancellable, Scheduler } from '../actor/Scheduler.js';

interface Task {
  readonly dueAt: number;
  readonly order: number;
  readonly run: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when a test says so. `advance(ms)` runs every task that falls due, in due
 * order, letting the actors react after each one, so a backoff or timer test never sleeps.
 */
export class ManualScheduler implements Scheduler {
  private time: number;
  private tasks: Task[] = [];
  private order = 0;

  /**
   * @param startTime epoch ms the clock starts at (a fixed date by default)
   * @param settle awaited after each task ran, to let actors handle what it sent; the ActorTestKit
   *   passes one that waits until its system is idle
   */
  constructor(
    startTime = Date.UTC(2026, 0, 1),
    private settle: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
  ) {
    this.time = startTime;
  }

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, run: () => void): Cancellable {
    const task: Task = { dueAt: this.time + Math.max(0, delayMs), order: this.order++, run, cancelled: false };
    // Keep tasks sorted by due time, then by scheduling order.
    let index = this.tasks.length;
    while (index > 0 && this.tasks[index - 1]!.dueAt > task.dueAt) index--;
    this.tasks.splice(index, 0, task);
    return {
      cancel: () => {
        if (task.cancelled || !this.tasks.includes(task)) return false;
        task.cancelled = true;
        this.tasks.splice(this.tasks.indexOf(task), 1);
        return true;
      },
    };
  }

  /** Number of tasks waiting to fall due. */
  get pendingTasks(): number {
    return this.tasks.length;
  }

  /** Milliseconds until the next task is due, or undefined when none is scheduled. */
  get nextDueInMs(): number | undefined {
    const next = this.tasks[0];
    return next === undefined ? undefined : next.dueAt - this.time;
  }

  /** Moves the clock forward by `ms`, running due tasks (and tasks they schedule) in order. */
  async advance(ms: number): Promise<void> {
    requireNumber('advance ms', ms, { min: 0 });
    const target = this.time + ms;
    await this.settle();
    for (let next = this.tasks[0]; next !== undefined && next.dueAt <= target; next = this.tasks[0]) {
      this.tasks.shift();
      this.time = Math.max(this.time, next.dueAt);
      next.run();
      await this.settle();
    }
    this.time = target;
  }

  /** Replaces the settle function (used by ActorTestKit to wait for its system). */
  setSettle(settle: () => Promise<void>): void {
    this.settle = settle;
  }
}
