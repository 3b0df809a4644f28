import { describe, expect, it } from 'vitest';
import { Horizons } from './Horizons.js';

/** A horizon source whose computations the test starts and ends by hand. */
function manualSource() {
  const computations: { resolve: (horizon: bigint) => void; reject: (error: Error) => void }[] = [];
  const compute = () =>
    new Promise<bigint>((resolve, reject) => {
      computations.push({ resolve, reject });
    });
  return { computations, horizons: new Horizons(compute) };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('Horizons', () => {
  it('computes a fresh horizon for a caller that arrives while none runs', async () => {
    const { computations, horizons } = manualSource();
    const fresh = horizons.fresh();
    expect(computations).toHaveLength(1);
    computations[0]!.resolve(7n);
    expect(await fresh).toBe(7n);
    expect(horizons.latest).toBe(7n);
  });

  it('gives callers that arrive during a computation the next one, which starts after it, shared', async () => {
    const { computations, horizons } = manualSource();
    const first = horizons.fresh();
    const second = horizons.fresh();
    const third = horizons.fresh();
    // The running computation may have read the lock table before these callers arrived.
    expect(computations).toHaveLength(1);
    computations[0]!.resolve(5n);
    expect(await first).toBe(5n);
    await settled();
    expect(computations).toHaveLength(2);
    // A caller arriving now needs one that starts after it: it waits for a third.
    const fourth = horizons.fresh();
    computations[1]!.resolve(6n);
    expect(await second).toBe(6n);
    expect(await third).toBe(6n);
    await settled();
    expect(computations).toHaveLength(3);
    computations[2]!.resolve(8n);
    expect(await fourth).toBe(8n);
  });

  it('never goes back: the latest is the highest computed', async () => {
    const { computations, horizons } = manualSource();
    const first = horizons.fresh();
    computations[0]!.resolve(9n);
    await first;
    const second = horizons.fresh();
    computations[1]!.resolve(4n);
    expect(await second).toBe(9n);
    expect(horizons.latest).toBe(9n);
  });

  it('passes a failed computation to its callers, and the next caller starts another', async () => {
    const { computations, horizons } = manualSource();
    const first = horizons.fresh();
    const queued = horizons.fresh();
    computations[0]!.reject(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await settled();
    computations[1]!.resolve(3n);
    expect(await queued).toBe(3n);
    const later = horizons.fresh();
    expect(computations).toHaveLength(3);
    computations[2]!.resolve(4n);
    expect(await later).toBe(4n);
  });
});
