import { ReadJournal, type ReadJournalOptions } from '@engram/core/spi';
import { StoreContext, type PostgresConnection, type PostgresStoreOptions } from '../database/index.js';
import { PostgresJournalReader } from './PostgresJournalReader.js';

export type PostgresReadJournalOptions<E = unknown> = PostgresConnection &
  PostgresStoreOptions &
  ReadJournalOptions<E> & {
    /** Where a failing LISTEN connection is reported, at most once a minute. Default `console.warn`. */
    readonly onListenError?: (message: string, error: unknown) => void;
  };

/**
 * Persistence query over an Engram PostgreSQL journal, on connections of its own: reads what any
 * `PostgresJournal` on the same schema and table prefix stores, in this process or another.
 * `new PostgresReadJournal({ connectionString, schema, tablePrefix })` creates a pool (ended by
 * `close()`); `{ pool }` uses yours and leaves it open.
 *
 * Live queries wake on the journals' NOTIFY (one LISTEN connection per read journal, opened when
 * the first live query waits) and, besides, check for new events every `pollIntervalMs` (default
 * 500 ms). Tables missing or behind are migrated on first use, as a journal would (unless
 * `autoMigrate: false`); an up-to-date schema is only read, so a role that may only read can query.
 * In an actor system on a `PostgresJournal`, `PersistenceQuery.get(system).readJournal()` reads
 * through the journal's pool instead.
 */
export class PostgresReadJournal<E = unknown> extends ReadJournal<E> {
  constructor(options: PostgresReadJournalOptions<E>) {
    const context = new StoreContext(options, options, true);
    const reader = new PostgresJournalReader(
      context,
      {
        ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
        ...(options.onListenError === undefined ? {} : { warn: options.onListenError }),
      },
      true,
    );
    try {
      super(reader, options, true);
    } catch (error) {
      // A refused option must not leave the pool open.
      reader.close().catch(() => undefined);
      throw error;
    }
  }
}
