import { EngramError } from '@engram/core/spi';
import { PostgresStoreError, type PostgresOperation } from '../errors/index.js';
import { checkSchemaVersion, migrate } from '../migrations/migrate.js';
import { latestSchemaVersion } from '../migrations/migrations.js';
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

  /**
   * @param readOnly a store that only reads (the query side): it migrates only when the tables
   * are missing or behind, so a role without the CREATE privilege can read an up-to-date schema
   * (`migrate()` itself needs it even when there is nothing to do).
   */
  constructor(
    connection: PostgresConnection,
    options: PostgresStoreOptions,
    private readonly readOnly = false,
  ) {
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
      if (!this.autoMigrate) ready = checkSchemaVersion(this.db, this.tables);
      else ready = this.readOnly ? this.migrateIfBehind() : migrate(this.db, this.tables);
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

  private async migrateIfBehind(): Promise<void> {
    const current = await this.db.withClient('migrate', [], async (client) => {
      const exists = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [this.tables.migrations]);
      if (exists.rows[0]?.present !== true) return 0;
      const result = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${this.tables.migrations}`);
      return result.rows[0]?.version ?? 0;
    });
    // A newer version is refused by migrate(), with the message that names both.
    if (current !== latestSchemaVersion) await migrate(this.db, this.tables);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
