import type { Journal, SnapshotStore } from '@engram/core';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import type { StoreConfig } from '../config.js';

export interface Stores {
  readonly journal: Journal;
  readonly snapshotStore: SnapshotStore;
}

/**
 * The journal and snapshot store for `config`. The PostgreSQL store is loaded only when asked for,
 * so the default SQLite setup never loads the `pg` driver. `system.terminate()` closes both.
 */
export async function createStores(config: StoreConfig): Promise<Stores> {
  if (config.kind === 'sqlite') {
    // One file for both: each store opens its own connection; missing folders are created.
    return { journal: new SqliteJournal({ path: config.path }), snapshotStore: new SqliteSnapshotStore({ path: config.path }) };
  }
  const { PostgresJournal, PostgresSnapshotStore } = await import('@engram/postgres');
  const connection = { connectionString: config.connectionString };
  const options = config.schema === undefined ? {} : { schema: config.schema };
  const journal = new PostgresJournal(connection, options);
  try {
    return { journal, snapshotStore: new PostgresSnapshotStore(connection, options) };
  } catch (error) {
    await journal.close();
    throw error;
  }
}
