import { describe, expect, it } from 'vitest';
import { DrainQueue } from './DrainQueue.js';

/** Lets the microtasks queued so far run (a resolved promise's reactions run after them). */
const microtask = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('DrainQueue', () => {
  it('hands items over in order, after the pushing code has finished', async () => {
    const seen: number[] = [];
    const queue = new DrainQueue<number>((n) => seen.push(n));
    queue.push(1);
    queue.push(2);
    expect(seen).toEqual([]);
    await microtask();
    expect(seen).toEqual([1, 2]);
  });

  it('drains items pushed by the consumer itself in the same run', async () => {
    const seen: number[] = [];
    const queue: DrainQueue<number> = new DrainQueue<number>((n) => {
      seen.push(n);
      if (n < 5) queue.push(n + 1);
    });
    queue.push(1);
    await microtask();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('schedules one consumer per burst and a new one for the next burst', async () => {
    const runs: number[][] = [];
    let current: number[] = [];
    const queue = new DrainQueue<number>((n) => current.push(n));
    const original = globalThis.queueMicrotask;
    let scheduled = 0;
    globalThis.queueMicrotask = (task) => {
      scheduled++;
      original(() => {
        task();
        runs.push(current);
        current = [];
      });
    };
    try {
      for (let i = 0; i < 1000; i++) queue.push(i);
      await microtask();
      queue.push(1000);
      await microtask();
    } finally {
      globalThis.queueMicrotask = original;
    }
    expect(scheduled).toBe(2);
    expect(runs.map((r) => r.length)).toEqual([1000, 1]);
  });
});
