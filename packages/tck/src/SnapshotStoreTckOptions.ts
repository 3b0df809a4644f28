import type { SnapshotStore } from '@engram/core/spi';

/** What a snapshot store supports; cases that need a capability the store lacks are reported as skipped. */
export interface SnapshotStoreCapabilities {
  /** An instance from `reopen` sees everything the closed one stored. Requires `reopen`. */
  readonly durable: boolean;
  /** Two instances from `create` share their data, like two processes on one database. */
  readonly sharedStorage: boolean;
}

export interface SnapshotStoreTckOptions<S extends SnapshotStore = SnapshotStore> {
  /** Names the vitest `describe` block, e.g. `SqliteSnapshotStore`. */
  readonly name: string;
  /**
   * A new open instance. The store need not be empty: every case uses fresh unique persistenceIds.
   * The TCK closes every instance it creates.
   */
  readonly create: () => Promise<S>;
  readonly capabilities: SnapshotStoreCapabilities;
  /**
   * When `durable`: a new instance over the storage of `old`. The TCK has already awaited
   * `old.close()` (when the store has one), as a restarting process would.
   */
  readonly reopen?: (old: S) => Promise<S>;
}
