import { randomInt } from 'node:crypto';

/**
 * A seeded pseudo-random source (mulberry32): a failing run names its seed, and `new Random(seed)`
 * replays the same choices.
 */
export class Random {
  #state: number;

  constructor(readonly seed: number = randomInt(2 ** 31)) {
    this.#state = seed >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Random.pick: no items to pick from');
    return items[this.int(0, items.length - 1)]!;
  }
}
