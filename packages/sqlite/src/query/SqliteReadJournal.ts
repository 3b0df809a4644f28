import { ReadJournal, type ReadJournalOptions } from '@engram/core/spi';
import type { SqliteConnectionOptions } from '../database/index.js';
import { SqliteJournalReader } from './SqliteJournalReader.js';

export interface SqliteReadJournalOptions<E = unknown> extends SqliteConnectionOptions, ReadJournalOptions<E> {}

/**
 * Persistence query over an Engram SQLite file, on its own connection: reads what any journal on
 * the file stores, in this process or another. Live queries check the file for new commits every
 * `pollIntervalMs` (default 50 ms; a check reads no table). In an actor system on a `SqliteJournal`,
 * `PersistenceQuery.get(system).readJournal()` reads through the journal's connection instead and
 * wakes at once on the system's own writes.
 *
 * A missing file is created with the journal's schema, so a read journal may start before the
 * first writer; a file written by a newer `@engram/sqlite` is refused. `close()` ends the live
 * queries and closes the connection.
 */
export class SqliteReadJournal<E = unknown> extends ReadJournal<E> {
  readonly path: string;

  constructor(options: SqliteReadJournalOptions<E>) {
    const reader = SqliteJournalReader.open(options);
    try {
      super(reader, options, true);
    } catch (error) {
      // A refused option must not leave the connection open.
      reader.close().catch(() => undefined);
      throw error;
    }
    this.path = reader.path;
  }
}
