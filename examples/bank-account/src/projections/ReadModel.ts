import type { EventEnvelope } from '@engram/core';

/**
 * A table the projections keep, written inside the projection's transaction `T` (a better-sqlite3
 * database, a node-postgres client), so its rows and the projection's offset commit together.
 * SQLite's transactions are synchronous, so its read models return nothing; PostgreSQL's return
 * promises.
 */
export interface ReadModel<T> {
  /** Applies envelopes in order; throws (and the transaction rolls back) when one cannot be applied. */
  apply(envelopes: readonly EventEnvelope<unknown>[], tx: T): void | Promise<void>;
  /** Empties it, for a rebuild from the first event (in the transaction that clears the offset). */
  clear(tx: T): void | Promise<void>;
}
