import { RingQueue } from './internal/RingQueue.js';

/** Something scheduled that can still be called off. */
export interface Cancellable {
  /** Returns true when the task had not run yet and now never will. */
  cancel(): boolean;
}

/**
 * Time and delayed tasks, injected so that tests drive time by hand (see `ManualScheduler` in the
 * testkit) and nothing in Engram reads the wall clock directly.
 */
export interface Scheduler {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Milliseconds on a clock that never steps (optional; `now()` stands in without it). Periodic
   * timers keep their cadence on it, so a wall-clock step does not stall or rush them.
   */
  monotonicNow?(): number;
  /** Runs `task` once, `delayMs` from now (0 or less: as soon as possible, never synchronously). */
  schedule(delayMs: number, task: () => void): Cancellable;
}

interface Task extends Cancellable {
  /** On the monotonic clock. */
  readonly dueAt: number;
  /** Position in its lane. */
  readonly seq: number;
  readonly run: () => void;
  pending: boolean;
}

/** Tasks scheduled with the same delay fall due in the order they were scheduled. */
interface Lane {
  readonly delayMs: number;
  readonly tasks: RingQueue<Task>;
  live: number;
  /** Tasks ever queued in the lane. */
  scheduled: number;
  timer: NodeJS.Timeout | undefined;
  /** Set while the lane runs its due tasks: one they schedule into it must not arm a second timer. */
  firing: boolean;
}

/**
 * The real clock. Tasks with the same delay (every `ask` with a 3 s timeout, say) share one lane
 * and one Node timer, armed for the lane's oldest task: scheduling and cancelling are then O(1)
 * without a setTimeout/clearTimeout pair per task. A lane's timer keeps the process alive only while
 * it holds a pending task.
 *
 * Due times are kept on the monotonic clock (`performance.now()`), so a step of the wall clock (NTP,
 * a suspended laptop, a user changing the time) neither runs tasks early nor holds them back; `now()`
 * still reads the wall clock, since it stamps events.
 */
export class SystemScheduler implements Scheduler {
  private readonly lanes = new Map<number, Lane>();

  /**
   * @param onTaskError called when a task throws (the other due tasks still run); by default the
   *   error is rethrown from a microtask, as from a plain setTimeout callback. ActorSystem logs it.
   */
  constructor(
    private readonly onTaskError: (error: unknown) => void = (error) =>
      queueMicrotask(() => {
        throw error;
      }),
  ) {}

  now(): number {
    return Date.now();
  }

  monotonicNow(): number {
    return performance.now();
  }

  schedule(delayMs: number, run: () => void): Cancellable {
    const delay = Math.max(0, Math.ceil(delayMs));
    let lane = this.lanes.get(delay);
    if (lane === undefined) {
      lane = { delayMs: delay, tasks: new RingQueue<Task>(), live: 0, scheduled: 0, timer: undefined, firing: false };
      this.lanes.set(delay, lane);
    }
    const owner = lane;
    const task: Task = {
      dueAt: performance.now() + delay,
      seq: lane.scheduled++,
      run,
      pending: true,
      cancel: () => {
        if (!task.pending) return false;
        task.pending = false;
        if (--owner.live === 0) owner.timer?.unref();
        this.dropCancelled(owner);
        return true;
      },
    };
    lane.tasks.push(task);
    if (++lane.live === 1) lane.timer?.ref();
    if (lane.timer === undefined && !lane.firing) this.arm(lane, delay);
    return task;
  }

  private arm(lane: Lane, inMs: number): void {
    // Rounded up: a timer may still fire a little before the head is due, and is then re-armed.
    lane.timer = setTimeout(() => this.fire(lane), Math.max(0, Math.ceil(inMs)));
    if (lane.live === 0) lane.timer.unref();
  }

  /** Runs the lane's due tasks, then arms its one timer for the next head (or forgets the lane). */
  private fire(lane: Lane): void {
    lane.timer = undefined;
    lane.firing = true;
    try {
      this.runDue(lane, performance.now());
    } finally {
      // Even if an error handler threw, the lane gets its timer back instead of going silent.
      lane.firing = false;
      const next = lane.tasks.peek();
      if (next !== undefined) this.arm(lane, next.dueAt - performance.now());
      else this.lanes.delete(lane.delayMs);
    }
  }

  private runDue(lane: Lane, now: number): void {
    // Only tasks queued before the timer fired: one a task schedules into its own lane waits for the
    // next timer even with a delay of 0, so a self-rescheduling task cannot hold the event loop.
    const before = lane.scheduled;
    for (let head = lane.tasks.peek(); head !== undefined; head = lane.tasks.peek()) {
      if (head.seq >= before || (head.pending && head.dueAt > now)) break;
      lane.tasks.shift();
      if (!head.pending) continue;
      head.pending = false;
      lane.live--;
      try {
        head.run();
      } catch (error) {
        this.onTaskError(error);
      }
    }
  }

  /** Cancelled tasks at the head are dropped at once; elsewhere when they reach it or pile up. */
  private dropCancelled(lane: Lane): void {
    while (lane.tasks.peek()?.pending === false) lane.tasks.shift();
    if (lane.tasks.size > 1024 && lane.tasks.size > 4 * lane.live) {
      for (const task of lane.tasks.drain()) if (task.pending) lane.tasks.push(task);
    }
  }
}
