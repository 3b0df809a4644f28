import { setTimeout as sleep } from 'node:timers/promises';

/** Between two looks at a condition: short, so a wait ends soon after it holds. */
const pollMs = 10;

/**
 * The first defined value `probe` returns, looking again every few ms; rejects naming `what` once
 * `deadlineMs` passed without one.
 */
export async function waitFor<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${deadlineMs} ms`);
    await sleep(pollMs);
  }
}

/** `promise`, or a rejection naming `what` once `deadlineMs` passed first. */
export async function withDeadline<T>(what: string, deadlineMs: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting for ${what} after ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
