import { randomUUID } from 'node:crypto';

/**
 * persistenceIds no other case, run or process uses, so the TCK can share one store (even a
 * durable one that outlives the run) between all its cases.
 */
export class UniqueIds {
  readonly #run = randomUUID().slice(0, 13);
  #next = 0;

  /** A fresh prefix: append anything to it to get ids that no other case produces. */
  prefix(): string {
    this.#next += 1;
    return `tck-${this.#run}-${this.#next}-`;
  }

  /** A fresh persistenceId ending with `label`. */
  pid(label = 'p'): string {
    return this.prefix() + label;
  }
}
