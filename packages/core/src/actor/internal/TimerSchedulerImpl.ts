import { requireNumber } from '../../errors/index.js';
import type { Cancellable, Scheduler } from '../Scheduler.js';
import type { TimerScheduler } from '../TimerScheduler.js';
import { TimerFired } from './Envelope.js';

type Mode = 'single' | 'fixedDelay' | 'fixedRate';

interface Timer {
  readonly generation: number;
  readonly mode: Mode;
  readonly message: unknown;
  readonly intervalMs: number;
  dueAt: number;
  task: Cancellable;
}

/**
 * Keyed timers of one actor. Each start bumps a generation number carried by the TimerFired
 * envelope, so a message of a cancelled or replaced timer that is already in the mailbox is
 * recognised as stale and dropped.
 */
export class TimerSchedulerImpl<T> implements TimerScheduler<T> {
  private readonly timers = new Map<string, Timer>();
  private generation = 0;

  constructor(
    private readonly send: (fired: TimerFired) => void,
    private readonly scheduler: Scheduler,
  ) {}

  startSingleTimer(key: string, message: T, delayMs: number): void {
    this.start(key, message, 'single', 0, requireNumber('timer delayMs', delayMs, { min: 0 }));
  }

  startTimerWithFixedDelay(key: string, message: T, delayMs: number, initialDelayMs = delayMs): void {
    requireNumber('timer delayMs', delayMs, { min: 1 });
    this.start(key, message, 'fixedDelay', delayMs, requireNumber('timer initialDelayMs', initialDelayMs, { min: 0 }));
  }

  startTimerAtFixedRate(key: string, message: T, intervalMs: number, initialDelayMs = intervalMs): void {
    requireNumber('timer intervalMs', intervalMs, { min: 1 });
    this.start(key, message, 'fixedRate', intervalMs, requireNumber('timer initialDelayMs', initialDelayMs, { min: 0 }));
  }

  isTimerActive(key: string): boolean {
    return this.timers.has(key);
  }

  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer === undefined) return;
    timer.task.cancel();
    this.timers.delete(key);
  }

  cancelAll(): void {
    for (const timer of this.timers.values()) timer.task.cancel();
    this.timers.clear();
  }

  /** Called inside the actor for a TimerFired envelope: the message to deliver, or undefined if stale. */
  open(fired: TimerFired): unknown {
    const timer = this.timers.get(fired.key);
    if (timer === undefined || timer.generation !== fired.generation) return undefined;
    if (timer.mode === 'single') this.timers.delete(fired.key);
    return fired.message;
  }

  /** Due times on the scheduler's monotonic clock where it has one: a wall-clock step must not stall a fixed-rate timer. */
  private clock(): number {
    return this.scheduler.monotonicNow?.() ?? this.scheduler.now();
  }

  private start(key: string, message: T, mode: Mode, intervalMs: number, firstDelayMs: number): void {
    this.cancel(key);
    const generation = ++this.generation;
    const dueAt = this.clock() + firstDelayMs;
    const timer: Timer = { generation, mode, message, intervalMs, dueAt, task: { cancel: () => false } };
    this.timers.set(key, timer);
    timer.task = this.scheduler.schedule(firstDelayMs, () => this.fire(key, timer));
  }

  private fire(key: string, timer: Timer): void {
    if (this.timers.get(key) !== timer) return;
    this.send(new TimerFired(key, timer.generation, timer.message));
    if (timer.mode === 'single') return;
    const now = this.clock();
    // Fixed rate keeps the original cadence (and catches up); fixed delay counts from this send.
    timer.dueAt = timer.mode === 'fixedRate' ? timer.dueAt + timer.intervalMs : now + timer.intervalMs;
    timer.task = this.scheduler.schedule(timer.dueAt - now, () => this.fire(key, timer));
  }
}
