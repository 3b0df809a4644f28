import { EngramError } from '@engram/core/spi';
import { PostgresStoreError, type PostgresOperation } from '../errors/index.js';
import { checkSchemaVersion, migrate } from '../migrations/migrate.js';
import { Database, type PostgresConnection } from './Database.js';
import { tablesFor, type Tables } from './Tables.js';

/** Options every PostgreSQL store takes. */
export interface PostgresStoreOptions {
  /** Schema of the tables; created when missing. Default `public`. */
  readonly schema?: string;
  /** Prefix of every table name, so several Engram setups can share a schema. Default `engram_`. */
  readonly tablePrefix?: string;
  /**
   * Apply pending migrations on first use (default). With `false`, call `migrate()` yourself (e.g.
   * from a deploy step) and the store only checks the version on first use.
   */
  readonly autoMigrate?: boolean;
}

/**
 * What one store instance works with: its database, its table names, and the one-time schema
 * check every operation waits for.
 */
export class StoreContext {
  readonly db: Database;
  readonly tables: Tables;
  private readonly autoMigrate: boolean;
  private ready: Promise<void> | undefined;

  constructor(connection: PostgresConnection, options: PostgresStoreOptions) {
    this.tables = tablesFor(options.schema, options.tablePrefix);
    this.db = new Database(connection);
    this.autoMigrate = options.autoMigrate ?? true;
  }

  /** Runs the migrations now; later operations skip the check. */
  async migrate(): Promise<void> {
    const run = migrate(this.db, this.tables);
    this.ready = run;
    try {
      await run;
    } catch (error) {
      this.ready = undefined;
      throw error;
    }
  }

  /**
   * Waits until the schema is ready, migrating on first use. A failure is not remembered: the next
   * operation tries again (the database may be back by then).
   */
  async ensureReady(operation: PostgresOperation, persistenceIds: readonly string[]): Promise<void> {
    let ready = this.ready;
    if (ready === undefined) {
      ready = this.autoMigrate ? migrate(this.db, this.tables) : checkSchemaVersion(this.db, this.tables);
      this.ready = ready;
      ready.catch(() => {
        if (this.ready === ready) this.ready = undefined;
      });
    }
    try {
      await ready;
    } catch (error) {
      if (error instanceof EngramError && !(error instanceof PostgresStoreError)) throw error;
      throw new PostgresStoreError(operation, persistenceIds, error, 'while preparing the schema');
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
