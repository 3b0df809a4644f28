import { InvalidArgument } from '../errors/index.js';
import type { ProjectionId, StoredProjection, TransactionalOffsetStore } from '../spi/OffsetStore.js';
import { OffsetConflict } from '../spi/errors.js';
import { describeProjection } from './errors.js';

/**
 * Projection offsets in this process, for tests and first steps; gone with the process.
 *
 * `inTransaction` checks the compare-and-set before it runs `work` and stores the offset after it,
 * with transactions of one projection running one at a time, so a second instance of a projection
 * fails with `OffsetConflict` before its handler runs. There is no transaction to roll back: what
 * the handler itself wrote stays written when it throws (`tx` is undefined). Exactly-once with a
 * read model that lives elsewhere needs that model's store as the offset store.
 */
export class MemoryOffsetStore implements TransactionalOffsetStore<undefined> {
  readonly #projections = new Map<string, StoredProjection>();
  /** Per projection, the end of the last queued transaction. */
  readonly #queues = new Map<string, Promise<void>>();

  async readProjection(id: ProjectionId): Promise<StoredProjection> {
    return this.#projections.get(keyOf(id)) ?? { offset: undefined, paused: false };
  }

  async saveOffset(id: ProjectionId, expected: string | undefined, next: string | undefined): Promise<void> {
    const key = keyOf(id);
    await this.#queues.get(key);
    this.#compareAndSet(id, key, expected, next);
  }

  async savePaused(id: ProjectionId, paused: boolean): Promise<void> {
    const key = keyOf(id);
    if (typeof paused !== 'boolean') throw new InvalidArgument('savePaused paused', paused, 'a boolean');
    const stored = this.#projections.get(key);
    this.#projections.set(key, { offset: stored?.offset, paused });
  }

  inTransaction<R>(id: ProjectionId, expected: string | undefined, next: string, work: (tx: undefined) => R | Promise<R>): Promise<R> {
    let key: string;
    try {
      key = keyOf(id);
      if (typeof next !== 'string') throw new InvalidArgument('inTransaction next', next, 'an offset text');
    } catch (error) {
      return Promise.reject(error);
    }
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const result = previous.then(async () => {
      this.#check(id, key, expected);
      const value = await work(undefined);
      this.#compareAndSet(id, key, expected, next);
      return value;
    });
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(key, settled);
    void settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    return result;
  }

  #check(id: ProjectionId, key: string, expected: string | undefined): void {
    const found = this.#projections.get(key)?.offset;
    if (found !== expected) throw new OffsetConflict(describeProjection(id), expected, found);
  }

  #compareAndSet(id: ProjectionId, key: string, expected: string | undefined, next: string | undefined): void {
    this.#check(id, key, expected);
    this.#projections.set(key, { offset: next, paused: this.#projections.get(key)?.paused ?? false });
  }
}

function keyOf(id: ProjectionId): string {
  if (typeof id?.name !== 'string' || id.name.length === 0) throw new InvalidArgument('projection name', id?.name, 'a non-empty string');
  if (typeof id.key !== 'string') throw new InvalidArgument('projection key', id.key, 'a string');
  return JSON.stringify([id.name, id.key]);
}
