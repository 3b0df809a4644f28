import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../testkit/ManualScheduler.js';
import { AskTimeouts, type TimedAsk } from './AskTimeouts.js';

/** An ask as the lanes see it; `settle` is what a reply does (the ref closes, then tells its lane). */
function fakeAsk(timeouts: AskTimeouts, name: string, timeoutMs: number, log: string[]) {
  const ask: TimedAsk & { settled: boolean } = {
    dueAt: 0,
    settled: false,
    timedOut() {
      ask.settled = true;
      log.push(`${name} timed out`);
      timeouts.settled(lane);
    },
  };
  const lane = timeouts.add(ask, timeoutMs);
  return {
    settle() {
      ask.settled = true;
      timeouts.settled(lane);
    },
  };
}

describe('AskTimeouts', () => {
  it('times each ask out at its own time, asks of one timeout sharing one scheduler task', async () => {
    const scheduler = new ManualScheduler();
    const timeouts = new AskTimeouts(scheduler);
    const log: string[] = [];
    fakeAsk(timeouts, 'a', 100, log);
    await scheduler.advance(30);
    fakeAsk(timeouts, 'b', 100, log);
    fakeAsk(timeouts, 'c', 100, log);
    fakeAsk(timeouts, 'other', 50, log);
    expect(scheduler.pendingTasks).toBe(2);
    await scheduler.advance(50);
    expect(log).toEqual(['other timed out']);
    await scheduler.advance(20);
    expect(log).toEqual(['other timed out', 'a timed out']);
    await scheduler.advance(29);
    expect(log).toEqual(['other timed out', 'a timed out']);
    await scheduler.advance(1);
    expect(log).toEqual(['other timed out', 'a timed out', 'b timed out', 'c timed out']);
    expect(scheduler.pendingTasks).toBe(0);
  });

  it('a settled ask never times out; once every ask of a lane settled, its task is cancelled', async () => {
    const scheduler = new ManualScheduler();
    const timeouts = new AskTimeouts(scheduler);
    const log: string[] = [];
    const a = fakeAsk(timeouts, 'a', 100, log);
    const b = fakeAsk(timeouts, 'b', 100, log);
    a.settle();
    await scheduler.advance(100);
    expect(log).toEqual(['b timed out']);
    const c = fakeAsk(timeouts, 'c', 100, log);
    expect(scheduler.pendingTasks).toBe(1);
    c.settle();
    expect(scheduler.pendingTasks).toBe(0);
    await scheduler.advance(1000);
    expect(log).toEqual(['b timed out']);
    void b;
  });

  it('settled asks leave the lane from the front, so it holds about the asks in flight', async () => {
    const scheduler = new ManualScheduler();
    const timeouts = new AskTimeouts(scheduler);
    const log: string[] = [];
    const oldest: TimedAsk & { settled: boolean } = { dueAt: 0, settled: false, timedOut: () => {} };
    const lane = timeouts.add(oldest, 100);
    for (let i = 0; i < 10_000; i++) fakeAsk(timeouts, `ask ${i}`, 100, log).settle();
    // The oldest is still waiting: everything after it is kept until it settles.
    expect(lane.asks.size).toBe(10_001);
    fakeAsk(timeouts, 'newest', 100, log);
    oldest.settled = true;
    timeouts.settled(lane);
    expect(lane.asks.size).toBe(1);
    expect(log).toEqual([]);
  });
});
