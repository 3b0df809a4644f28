/**
 * The TCK's gap-torture writer for SQLite (`readJournalTck({ tortureWriter })`).
 *
 * Why SQLite cannot commit out of order, so that the torture here cannot open a gap: a write
 * transaction starts with `BEGIN IMMEDIATE`, which takes the file's single write lock (also
 * across processes), and only then reads the last ordering given (the newest event's, or the
 * floor a delete left in `journal_state`) to number its events. The next writer gets the lock, and
 * reads it, only after this transaction committed or rolled back (a rolled-back transaction's
 * orderings were never visible, and are given again). So orderings become visible in ascending
 * order, and a reader never sees a larger ordering before a smaller one commits.
 *
 * Why `holdMs` is spent before the transaction instead of inside it: better-sqlite3 runs SQLite on
 * this thread. A transaction held open across an `await` would make every other connection of
 * this process that wants to write (the journal under test, another torture write) wait in
 * SQLite's busy handler, which blocks the thread, so the holder could never get back to commit:
 * the waiters would fail with SQLITE_BUSY after `busyTimeoutMs`. Delaying first and then writing
 * in one synchronous transaction is what a slow SQLite writer looks like from outside.
 *
 * Each write runs on its own `SqliteJournal` (its own connection, so the journal under test must
 * be opened with `writers: 'shared'`), through the journal's own code:
 * `writeMessages` to commit, and `writeMessagesRolledBack` (the same inserts in a transaction
 * that is then rolled back) for `rollback: true`.
 */
import type { AtomicWrite } from '@engram/core/spi';
import { SqliteJournal } from '../journal/index.js';

/** The TCK's contract (`TortureWriter` of `@engram/tck`), structurally. */
export interface TortureWriter {
  write(writes: readonly AtomicWrite[], options: { readonly holdMs: number; readonly rollback: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function tortureWriter(journal: SqliteJournal): Promise<TortureWriter> {
  const path = journal.path;
  if (path === ':memory:') {
    throw new Error('the torture writer needs a database file: a :memory: database is private to its connection');
  }
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const writeOnce = async (writes: readonly AtomicWrite[], holdMs: number, rollback: boolean): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, holdMs)));
    const own = new SqliteJournal({ path, writers: 'shared' });
    try {
      const results = rollback ? own.writeMessagesRolledBack(writes) : await own.writeMessages(writes);
      const refused = results.find((result) => result !== undefined);
      if (refused !== undefined) throw refused;
    } finally {
      await own.close();
    }
  };

  return {
    write(writes, { holdMs, rollback }) {
      if (closed) return Promise.reject(new Error('the torture writer is closed'));
      const done = writeOnce(writes, holdMs, rollback);
      const tracked = done.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(tracked);
      void tracked.then(() => inFlight.delete(tracked));
      return done;
    },
    async close() {
      closed = true;
      await Promise.all(inFlight);
    },
  };
}
