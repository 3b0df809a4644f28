/**
 * Where a projection keeps its progress: the offset of the last envelope it handled, per
 * projection name and key, and whether it is paused. Offsets are kept as their text
 * (`String(offset)`), so any store can keep the offsets of any read journal.
 *
 * Every offset write is a compare-and-set against the offset the projection last read or wrote:
 * two instances of one projection (two processes started by mistake) cannot both advance; the
 * second one's write fails with `OffsetConflict` and that instance stops, instead of applying
 * envelopes twice.
 */
export interface OffsetStore {
  /** What is stored for the projection; an empty record (no offset, not paused) when nothing is. */
  readProjection(id: ProjectionId): Promise<StoredProjection>;
  /**
   * Stores `next` (undefined clears the offset) if the stored offset is still `expected`
   * (undefined: none stored); otherwise throws `OffsetConflict` and changes nothing.
   */
  saveOffset(id: ProjectionId, expected: string | undefined, next: string | undefined): Promise<void>;
  /** Records the paused flag (kept across restarts: a paused projection starts paused). */
  savePaused(id: ProjectionId, paused: boolean): Promise<void>;
  close?(): Promise<void>;
}

/**
 * An offset store that is also where a read model lives: `inTransaction` runs the handler's
 * writes and the offset's compare-and-set in one transaction of the store, so they commit
 * together or not at all (exactly-once). `T` is what the handler gets: a better-sqlite3 database
 * inside a transaction, a node-postgres client inside a transaction.
 */
export interface TransactionalOffsetStore<T> extends OffsetStore {
  /**
   * Runs `work(tx)`, then the compare-and-set of the offset from `expected` to `next`, in one
   * transaction; commits when both succeed and rolls back (and rethrows) when either throws. A
   * store whose transactions are synchronous (SQLite) throws `InvalidArgument` when `work` returns
   * a promise, and rolls back.
   */
  inTransaction<R>(id: ProjectionId, expected: string | undefined, next: string, work: (tx: T) => R | Promise<R>): Promise<R>;
}

export interface ProjectionId {
  /** The projection's name, e.g. `account-summary`. */
  readonly name: string;
  /** One of its instances, e.g. a tag or slice; `''` when it has one. */
  readonly key: string;
}

export interface StoredProjection {
  readonly offset: string | undefined;
  readonly paused: boolean;
}
