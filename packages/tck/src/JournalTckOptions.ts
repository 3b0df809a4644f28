import type { Journal } from '@engram/core/spi';

/** What a journal supports; cases that need a capability the store lacks are reported as skipped. */
export interface JournalCapabilities {
  /** The store keeps `PersistentRepr.metadata` and returns it on replay. */
  readonly metadata: boolean;
  /**
   * The per-payload limit, in bytes (UTF-8 for text), of the instances `create` returns. The TCK
   * stores a payload of exactly this size and expects one byte more to be rejected per write with
   * `PayloadTooLarge`.
   */
  readonly maxPayloadBytes: number;
  /** An instance from `reopen` sees everything the closed one acknowledged. Requires `reopen`. */
  readonly durable: boolean;
  /**
   * Two instances from `create` share their data, like two processes on one database: the second
   * writer of a (persistenceId, sequenceNr) gets `SequenceConflict`.
   */
  readonly sharedStorage: boolean;
}

export interface JournalTckOptions<J extends Journal = Journal> {
  /** Names the vitest `describe` block, e.g. `SqliteJournal`. */
  readonly name: string;
  /**
   * A new open instance. The store need not be empty: every case uses fresh unique persistenceIds.
   * The TCK closes every instance it creates.
   */
  readonly create: () => Promise<J>;
  readonly capabilities: JournalCapabilities;
  /**
   * When `durable`: a new instance over the storage of `old`. The TCK has already awaited
   * `old.close()` (when the store has one), as a restarting process would.
   */
  readonly reopen?: (old: J) => Promise<J>;
}
