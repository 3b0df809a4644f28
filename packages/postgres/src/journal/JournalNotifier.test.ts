import { describe, expect, it } from 'vitest';
import { JournalNotifier } from './JournalNotifier.js';

/** A send whose calls the test ends by hand, a clock it sets and timers it fires. */
function harness(spacingMs = 5) {
  const calls: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const timers: { at: number; run: () => void; cancelled: boolean }[] = [];
  const warnings: unknown[] = [];
  let now = 1_000;
  const notifier = new JournalNotifier(
    () =>
      new Promise<void>((resolve, reject) => {
        calls.push({ resolve, reject });
      }),
    {
      spacingMs,
      warn: (_message, error) => warnings.push(error),
      now: () => now,
      schedule: (ms, run) => {
        const timer = { at: now + ms, run, cancelled: false };
        timers.push(timer);
        return () => (timer.cancelled = true);
      },
    },
  );
  /** Moves the clock on, firing the timers that come due. */
  const advance = (ms: number) => {
    now += ms;
    for (const timer of timers.splice(0)) {
      if (timer.cancelled) continue;
      if (timer.at <= now) timer.run();
      else timers.push(timer);
    }
  };
  return { calls, warnings, notifier, advance, pendingTimers: () => timers.filter((t) => !t.cancelled).length };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('JournalNotifier', () => {
  it('sends a NOTIFY at once after a write while none was sent lately', async () => {
    const { calls, notifier, advance } = harness();
    notifier.written();
    expect(calls).toHaveLength(1);
    calls[0]!.resolve();
    await settled();
    advance(5);
    notifier.written();
    expect(calls).toHaveLength(2);
    calls[1]!.resolve();
    await notifier.close();
  });

  it('keeps at most one in flight: writes meanwhile cause exactly one more after it', async () => {
    const { calls, notifier, advance } = harness(0);
    notifier.written();
    notifier.written();
    notifier.written();
    expect(calls).toHaveLength(1);
    advance(50);
    calls[0]!.resolve();
    await settled();
    expect(calls).toHaveLength(2);
    calls[1]!.resolve();
    await settled();
    expect(calls).toHaveLength(2);
    await notifier.close();
  });

  it('spaces NOTIFYs: writes soon after one cause one more once the spacing is over', async () => {
    const { calls, notifier, advance, pendingTimers } = harness(5);
    notifier.written();
    calls[0]!.resolve();
    await settled();
    advance(1);
    notifier.written();
    notifier.written();
    expect(calls).toHaveLength(1);
    expect(pendingTimers()).toBe(1);
    advance(3);
    expect(calls).toHaveLength(1);
    advance(1);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve();
    await settled();
    expect(pendingTimers()).toBe(0);
    await notifier.close();
  });

  it('never fails a write: a failed NOTIFY is reported, at most once a minute', async () => {
    const { calls, warnings, notifier, advance } = harness(0);
    for (const step of [0, 1_000, 58_999, 1]) {
      advance(step);
      notifier.written();
      calls.at(-1)!.reject(new Error(`failure ${calls.length}`));
      await settled();
    }
    expect(calls).toHaveLength(4);
    expect(warnings.map((error) => (error as Error).message)).toEqual(['failure 1', 'failure 4']);
    await notifier.close();
  });

  it('sends nothing after close, and close waits for the one in flight', async () => {
    const { calls, notifier, advance, pendingTimers } = harness(5);
    notifier.written();
    notifier.written();
    let closed = false;
    const closing = notifier.close().then(() => (closed = true));
    await settled();
    expect(closed).toBe(false);
    calls[0]!.resolve();
    await closing;
    advance(10);
    notifier.written();
    expect(calls).toHaveLength(1);
    expect(pendingTimers()).toBe(0);
  });
});
