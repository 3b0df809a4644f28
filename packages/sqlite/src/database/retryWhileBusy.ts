/** The clock and the wait of `retryWhileBusy`; tests pass their own. */
export interface BusyWait {
  /** Milliseconds from any fixed point. */
  readonly now: () => number;
  /** Waits `ms` milliseconds without returning to the event loop, as SQLite's busy handler does. */
  readonly sleep: (ms: number) => void;
}

export const realBusyWait: BusyWait = {
  now: () => performance.now(),
  sleep: (ms) => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms),
};

// Short first waits: the lock being waited for is usually released within a few milliseconds.
const BACKOFF_MS = [1, 2, 5, 10, 20, 50] as const;
const LONGEST_WAIT_MS = 50;

/**
 * Runs `statement` again while it fails with SQLITE_BUSY, until `timeoutMs` have passed; then the
 * last SQLITE_BUSY is thrown. For the statements SQLite fails at once, without its busy handler:
 * a connection that already reads the file and then needs the write lock another connection holds
 * gets SQLITE_BUSY immediately (waiting could deadlock inside SQLite), and only a fresh attempt,
 * which first gives up the read, can wait for that lock.
 */
export function retryWhileBusy<T>(statement: () => T, timeoutMs: number, wait: BusyWait = realBusyWait): T {
  const deadline = wait.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return statement();
    } catch (error) {
      const left = deadline - wait.now();
      if (!isBusy(error) || left <= 0) throw error;
      wait.sleep(Math.min(BACKOFF_MS[attempt] ?? LONGEST_WAIT_MS, left));
    }
  }
}

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_RECOVERY, SQLITE_BUSY_SNAPSHOT, ...). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));
}
