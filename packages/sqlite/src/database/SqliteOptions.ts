/** Connection settings shared by the SQLite journal and snapshot store. */
export interface SqliteConnectionOptions {
  /**
   * The database file. Missing parent directories are created. Journal and snapshot store may
   * share one file. `:memory:` gives a private in-memory database (for tests; not durable).
   */
  readonly path: string;
  /**
   * `normal` (default): every acknowledged write survives a crash or `kill -9` of the process
   * (WAL mode); the last writes before a power loss or OS crash may be lost.
   * `full`: the WAL is synced to disk on every commit, so acknowledged writes also survive a power
   * loss; each commit then waits for the disk.
   */
  readonly synchronous?: 'normal' | 'full';
  /** SQLite page cache per connection, in MiB. Default 64 for the journal, 8 for snapshots. */
  readonly cacheSizeMiB?: number;
  /**
   * How much of the file SQLite reads through a memory map instead of read calls, in MiB
   * (address space, not memory). Default 0 (off) for the journal and for snapshots; replays of
   * many actors may read faster with it on (see bench/README.md for what was measured).
   */
  readonly mmapSizeMiB?: number;
  /**
   * How long opening the file or a write waits for another connection's lock before failing, in
   * ms (default 5000): another process's write transaction, or its switching a new file to WAL
   * mode. The wait blocks this process's event loop: SQLite calls are synchronous.
   */
  readonly busyTimeoutMs?: number;
}

export interface ResolvedConnectionOptions {
  readonly path: string;
  readonly synchronous: 'normal' | 'full';
  readonly cacheSizeMiB: number;
  readonly mmapSizeMiB: number;
  readonly busyTimeoutMs: number;
}

export function resolveConnectionOptions(
  options: SqliteConnectionOptions,
  defaults: { readonly cacheSizeMiB: number; readonly mmapSizeMiB: number },
): ResolvedConnectionOptions {
  return {
    path: options.path,
    synchronous: options.synchronous ?? 'normal',
    cacheSizeMiB: options.cacheSizeMiB ?? defaults.cacheSizeMiB,
    mmapSizeMiB: options.mmapSizeMiB ?? defaults.mmapSizeMiB,
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
  };
}
