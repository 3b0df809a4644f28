import { describe, expect, it } from 'vitest';
import { Dispatcher, type Runnable } from './Dispatcher.js';

const microtasks = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('Dispatcher.atDrainEnd', () => {
  it('runs the task once every actor ready in the drain has run, and refuses outside a drain', async () => {
    const dispatcher = new Dispatcher(10, 1000);
    const log: string[] = [];
    expect(dispatcher.atDrainEnd(() => log.push('outside'))).toBe(false);
    const actor = (name: string, then?: () => void): Runnable => ({
      run: () => {
        log.push(name);
        then?.();
      },
    });
    const second = actor('b');
    dispatcher.schedule(actor('a', () => expect(dispatcher.atDrainEnd(() => log.push('end'))).toBe(true)));
    dispatcher.schedule(second);
    await microtasks();
    expect(log).toEqual(['a', 'b', 'end']);
    expect(dispatcher.atDrainEnd(() => log.push('late'))).toBe(false);
    expect(dispatcher.isIdle).toBe(true);
  });

  it('an actor scheduled by a drain-end task runs in a drain of its own, and idle waiters wait for it', async () => {
    const dispatcher = new Dispatcher(10, 1000);
    const log: string[] = [];
    const later: Runnable = { run: () => void log.push('later') };
    dispatcher.schedule({ run: () => void dispatcher.atDrainEnd(() => dispatcher.schedule(later)) });
    const idle = dispatcher.whenIdle().then(() => log.push('idle'));
    await idle;
    expect(log).toEqual(['later', 'idle']);
  });
});
