import { describe, expect, it } from 'vitest';
import { retryWhileBusy, type BusyWait } from './retryWhileBusy.js';

/** A clock that moves only when the retry sleeps, recording each wait. */
function manualWait(): BusyWait & { readonly waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: (ms) => {
      waits.push(ms);
      now += ms;
    },
  };
}

function driverError(code: string): Error {
  return Object.assign(new Error(code === 'SQLITE_BUSY' ? 'database is locked' : 'something else'), { code });
}

/** A statement that fails with the given errors, one per call, then returns 'done'. */
function failingWith(...errors: Error[]): { readonly calls: () => number; readonly run: () => string } {
  let calls = 0;
  return {
    calls: () => calls,
    run: () => {
      const error = errors[calls++];
      if (error !== undefined) throw error;
      return 'done';
    },
  };
}

describe('retryWhileBusy', () => {
  it('runs the statement again after SQLITE_BUSY, waiting a little longer each time, until it works', () => {
    const wait = manualWait();
    const statement = failingWith(driverError('SQLITE_BUSY'), driverError('SQLITE_BUSY_RECOVERY'), driverError('SQLITE_BUSY'));
    expect(retryWhileBusy(statement.run, 5000, wait)).toBe('done');
    expect(statement.calls()).toBe(4);
    expect(wait.waits).toEqual([1, 2, 5]);
  });

  it('gives up once the timeout has passed and throws the last SQLITE_BUSY', () => {
    const wait = manualWait();
    const busy = driverError('SQLITE_BUSY');
    const statement = failingWith(...Array.from({ length: 1000 }, () => busy));
    expect(() => retryWhileBusy(statement.run, 200, wait)).toThrow(busy);
    // never waits past the deadline
    expect(wait.waits.reduce((sum, ms) => sum + ms, 0)).toBe(200);
    expect(wait.waits.at(-1)).toBe(200 - (1 + 2 + 5 + 10 + 20 + 50 + 50 + 50));
  });

  it('throws any other error at once, and with a zero timeout tries only once', () => {
    const wait = manualWait();
    const locked = driverError('SQLITE_LOCKED');
    expect(() => retryWhileBusy(failingWith(locked).run, 5000, wait)).toThrow(locked);
    const busy = driverError('SQLITE_BUSY');
    const once = failingWith(busy);
    expect(() => retryWhileBusy(once.run, 0, wait)).toThrow(busy);
    expect(once.calls()).toBe(1);
    expect(wait.waits).toEqual([]);
  });
});
