import { describe, expect, it } from 'vitest';
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
});
