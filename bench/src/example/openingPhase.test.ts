import { describe, expect, it } from 'vitest';
import { extrapolateSeconds, type Checkpoint } from './openingPhase.js';

/** Checkpoints every `step` opens of a service whose time per open is `a + b * n` seconds at n accounts. */
function checkpoints(until: number, step: number, a: number, b: number): Checkpoint[] {
  const points: Checkpoint[] = [];
  for (let done = step; done <= until; done += step) points.push({ done, seconds: a * done + (b * done * done) / 2 });
  return points;
}

describe('extrapolateSeconds', () => {
  it('finds the total time of a service whose time per open grows with the accounts open', () => {
    // 1 ms per open plus 0.1 ms per 1,000 accounts open; measured up to 20,000 of 100,000.
    const fit = extrapolateSeconds(checkpoints(20_000, 500, 0.001, 1e-7), 100_000);
    expect(fit?.seconds).toBeCloseTo(0.001 * 100_000 + (1e-7 * 100_000 ** 2) / 2, 0);
    expect(fit?.msPerOpenAt(100_000)).toBeCloseTo(11, 1);
  });

  it('is linear for a service that keeps its pace', () => {
    const fit = extrapolateSeconds(checkpoints(10_000, 500, 0.002, 0), 100_000);
    expect(fit?.seconds).toBeCloseTo(200, 3);
  });

  it('has no answer from fewer than three intervals after the first', () => {
    expect(extrapolateSeconds(checkpoints(2_000, 500, 0.001, 0), 100_000)).toBeUndefined();
    expect(extrapolateSeconds(checkpoints(2_500, 500, 0.001, 0), 100_000)).toBeDefined();
  });
});
