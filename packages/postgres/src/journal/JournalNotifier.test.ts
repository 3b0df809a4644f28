import { describe, expect, it } from 'vitest';
import { JournalNotifier } from './JournalNotifier.js';

/** A send whose calls the test ends by hand. */
function manualSend() {
  const calls: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const send = () =>
    new Promise<void>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { calls, send };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('JournalNotifier', () => {
  it('sends one NOTIFY per write while none is in flight', async () => {
    const { calls, send } = manualSend();
    const notifier = new JournalNotifier(send);
    notifier.written();
    expect(calls).toHaveLength(1);
    calls[0]!.resolve();
    await settled();
    notifier.written();
    expect(calls).toHaveLength(2);
    calls[1]!.resolve();
    await notifier.close();
  });

  it('keeps at most one in flight: writes meanwhile cause exactly one more after it', async () => {
    const { calls, send } = manualSend();
    const notifier = new JournalNotifier(send);
    notifier.written();
    notifier.written();
    notifier.written();
    notifier.written();
    expect(calls).toHaveLength(1);
    calls[0]!.resolve();
    await settled();
    expect(calls).toHaveLength(2);
    calls[1]!.resolve();
    await settled();
    expect(calls).toHaveLength(2);
    await notifier.close();
  });

  it('never fails a write: a failed NOTIFY is reported, at most once a minute', async () => {
    const { calls, send } = manualSend();
    const warnings: unknown[] = [];
    let now = 0;
    const notifier = new JournalNotifier(send, (_message, error) => warnings.push(error), () => now);
    for (const at of [0, 1_000, 59_999, 60_000]) {
      now = at;
      notifier.written();
      calls.at(-1)!.reject(new Error(`down at ${at}`));
      await settled();
    }
    expect(calls).toHaveLength(4);
    expect(warnings.map((error) => (error as Error).message)).toEqual(['down at 0', 'down at 60000']);
    await notifier.close();
  });

  it('sends nothing after close, and close waits for the one in flight', async () => {
    const { calls, send } = manualSend();
    const notifier = new JournalNotifier(send);
    notifier.written();
    notifier.written();
    let closed = false;
    const closing = notifier.close().then(() => (closed = true));
    await settled();
    expect(closed).toBe(false);
    calls[0]!.resolve();
    await closing;
    notifier.written();
    expect(calls).toHaveLength(1);
  });
});
