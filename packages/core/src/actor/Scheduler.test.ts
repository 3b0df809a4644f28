import { afterEach, describe, expect, it, vi } from 'vitest';
import { liveTimeouts, within } from './realClock.test-support.js';
import { SystemScheduler } from './Scheduler.js';

/** Resolves once `count` tasks have reported into `log`. */
function collector(count: number) {
  const log: string[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  return {
    log,
    finished,
    task: (name: string) => () => {
      log.push(name);
      if (log.length === count) done();
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves with how long after scheduling (on the monotonic clock) the task ran. */
function timed(scheduler: SystemScheduler, delayMs: number): Promise<number> {
  const scheduledAt = performance.now();
  return new Promise((resolve) => scheduler.schedule(delayMs, () => resolve(performance.now() - scheduledAt)));
}

const HOUR = 3_600_000;

/** From now on `Date.now()` reads `stepMs` off the real wall clock, as after an NTP step. */
function stepWallClock(stepMs: number): void {
  const wall = Date.now.bind(Date);
  vi.spyOn(Date, 'now').mockImplementation(() => wall() + stepMs);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SystemScheduler', () => {
  it('runs tasks of one delay in scheduling order and skips cancelled ones', async () => {
    const scheduler = new SystemScheduler();
    const c = collector(3);
    scheduler.schedule(1, c.task('a'));
    const b = scheduler.schedule(1, c.task('b'));
    scheduler.schedule(1, c.task('c'));
    scheduler.schedule(1, c.task('d'));
    expect(b.cancel()).toBe(true);
    expect(b.cancel()).toBe(false);
    await c.finished;
    expect(c.log).toEqual(['a', 'c', 'd']);
  });

  it('runs a shorter delay before a longer one scheduled earlier', async () => {
    const scheduler = new SystemScheduler();
    const c = collector(2);
    scheduler.schedule(30, c.task('late'));
    scheduler.schedule(0, c.task('soon'));
    await c.finished;
    expect(c.log).toEqual(['soon', 'late']);
  });

  it('cancel after the task ran returns false; a throwing task is reported and does not stop the others', async () => {
    const errors: unknown[] = [];
    const scheduler = new SystemScheduler((error) => errors.push(error));
    const c = collector(1);
    const first = scheduler.schedule(0, () => {
      throw new Error('task failed');
    });
    scheduler.schedule(0, c.task('second'));
    await c.finished;
    expect(first.cancel()).toBe(false);
    expect(c.log).toEqual(['second']);
    expect(errors).toHaveLength(1);
  });

  it('many cancelled tasks do not pile up: the lane keeps only pending ones', async () => {
    const scheduler = new SystemScheduler();
    const c = collector(1);
    for (let i = 0; i < 10_000; i++) scheduler.schedule(50, () => c.log.push('cancelled ran')).cancel();
    scheduler.schedule(50, c.task('kept'));
    await c.finished;
    expect(c.log).toEqual(['kept']);
  });

  it('a task that schedules into its own lane leaves one Node timer, not one more per run', async () => {
    const before = liveTimeouts();
    const scheduler = new SystemScheduler();
    const counts: number[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const tick = () => {
      counts.push(liveTimeouts());
      if (counts.length < 30) scheduler.schedule(2, tick);
      else done();
    };
    scheduler.schedule(2, tick);
    await within(5_000, '30 self-rescheduled runs', finished);
    // Seen from inside a task: the test's deadline and the lane's timer, which is running it.
    expect(Math.max(...counts) - before).toBeLessThanOrEqual(2);
    // At most as many as before: a timer an earlier test left (e.g. a deadline) may have expired meanwhile.
    expect(liveTimeouts()).toBeLessThanOrEqual(before);
  });

  it('a wall-clock step forward does not run a pending task early', async () => {
    const scheduler = new SystemScheduler();
    const first = timed(scheduler, 60);
    await sleep(30);
    // Queued behind `first` in the same lane, due later than it.
    const second = timed(scheduler, 60);
    stepWallClock(HOUR);
    await within(5_000, 'the first task', first);
    expect(await within(5_000, 'the second task', second)).toBeGreaterThanOrEqual(60);
  });

  it('a wall-clock step backward does not hold a pending task back', async () => {
    const scheduler = new SystemScheduler();
    const task = timed(scheduler, 30);
    stepWallClock(-HOUR);
    expect(await within(5_000, 'the task after the wall clock went back an hour', task)).toBeGreaterThanOrEqual(30);
  });

  it('now() still reads the wall clock', () => {
    const wallBefore = new Date().getTime();
    stepWallClock(HOUR);
    expect(new SystemScheduler().now()).toBeGreaterThanOrEqual(wallBefore + HOUR);
  });
});
