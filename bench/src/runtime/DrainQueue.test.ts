import { describe, expect, it } from 'vitest';
import { DrainLoop, DrainQueue } from './DrainQueue.js';

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

describe('DrainLoop', () => {
  it('runs queues that get items while it runs in the same run, in the order they got them', () => {
    const loop = new DrainLoop();
    const seen: string[] = [];
    let runs = 0;
    const original = globalThis.queueMicrotask;
    const tasks: (() => void)[] = [];
    globalThis.queueMicrotask = (task) => {
      runs++;
      tasks.push(task);
    };
    try {
      type Ball = { readonly n: number; readonly to: () => DrainQueue<Ball> };
      const play = (name: string, self: () => DrainQueue<Ball>) => (ball: Ball) => {
        seen.push(`${name}${ball.n}`);
        if (ball.n < 3000) ball.to().push({ n: ball.n + 1, to: self });
      };
      const a: DrainQueue<Ball> = new DrainQueue(play('a', () => a), loop);
      const b: DrainQueue<Ball> = new DrainQueue(play('b', () => b), loop);
      a.push({ n: 0, to: () => b });
      expect(seen).toEqual([]);
      for (let task = tasks.shift(); task !== undefined; task = tasks.shift()) task();
    } finally {
      globalThis.queueMicrotask = original;
    }
    expect(runs).toBe(1);
    expect(seen.length).toBe(3001);
    expect(seen.slice(0, 4)).toEqual(['a0', 'b1', 'a2', 'b3']);
    expect(seen[3000]).toBe('a3000');
  });

  it('schedules a new run for items pushed after a run ended', async () => {
    const loop = new DrainLoop();
    const seen: number[] = [];
    const queue = new DrainQueue<number>((n) => seen.push(n), loop);
    queue.push(1);
    await microtask();
    queue.push(2);
    await microtask();
    expect(seen).toEqual([1, 2]);
  });
});
