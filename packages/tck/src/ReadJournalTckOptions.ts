import type { AtomicWrite, Journal, ReadJournal } from '@engram/core/spi';

/** What a case asks of the read journal it opens. */
export interface ReadJournalSettings {
  /**
   * Events per store request, to pass on as `ReadJournalOptions.pageSize`. Cases set it small to
   * cross page boundaries and to measure how far ahead of its consumer the reader reads.
   */
  readonly pageSize?: number;
}

export interface ReadJournalTckOptions<J extends Journal = Journal> {
  /** Names the vitest `describe` block, e.g. `SqliteReadJournal`. */
  readonly name: string;
  /** An open journal instance. The store need not be empty: every case uses fresh ids and tags. */
  readonly create: () => Promise<J>;
  /**
   * A read journal over the storage `journal` writes to: the store's own class
   * (`new SqliteReadJournal({ path, ...settings })`), so it reads what the journal wrote as another
   * process would. Pass `settings.pageSize` on. The TCK closes it.
   */
  readonly readJournal: (journal: J, settings: ReadJournalSettings) => Promise<ReadJournal>;
  /** Optional: a writer whose transactions the TCK can hold open and roll back (gap torture). */
  readonly tortureWriter?: (journal: J) => Promise<TortureWriter>;
  /**
   * Two instances from `create` share their data, like two processes on one database: the
   * concurrent-writer cases then also write through further instances. Default false.
   */
  readonly sharedStorage?: boolean;
}

export interface TortureWriter {
  /**
   * Stores `writes` exactly as journal.writeMessages would (same tables, same global order,
   * readable by the read journal), but in a transaction it holds open `holdMs` before it commits,
   * or rolls back when `rollback` is true. Resolves after the commit/rollback. Several calls may be
   * in flight at once (each on its own connection where the store has connections).
   */
  write(writes: readonly AtomicWrite[], options: { readonly holdMs: number; readonly rollback: boolean }): Promise<void>;
  close(): Promise<void>;
}
