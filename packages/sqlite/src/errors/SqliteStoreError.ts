import { EngramError, type StoreOperation } from '@engram/core/spi';

/**
 * What the store was doing when SQLite failed; appears in the message and as `operation`. Beyond
 * the SPI calls, the query side's and the offset store's calls, opening the file and migrating
 * its schema.
 */
export type SqliteOperation = StoreOperation | SqliteReadSideOperation | 'open' | 'migrate';

/** The calls of the query side (`JournalReader`) and of the projection offset store. */
export type SqliteReadSideOperation =
  | 'readEvents'
  | 'readEventsByPersistenceId'
  | 'readPersistenceIds'
  | 'readCeiling'
  | 'readHorizon'
  | 'readChangeMarker'
  | 'readProjection'
  | 'saveOffset'
  | 'savePaused'
  | 'inTransaction';

/**
 * A storage failure of the SQLite journal or snapshot store: the file could not be opened, its
 * schema is unknown, or SQLite refused an operation. The message names the operation, the
 * persistenceId (when there is one) and the database file; the driver's error is the `cause`.
 */
export class SqliteStoreError extends EngramError {
  override readonly name = 'SqliteStoreError';

  constructor(
    readonly operation: SqliteOperation,
    readonly path: string,
    readonly persistenceId: string | undefined,
    problem: string,
    cause?: unknown,
  ) {
    super(
      `SQLite ${operation}${persistenceId === undefined ? '' : ` for persistenceId "${persistenceId}"`} ` +
        `failed on ${path}: ${problem}`,
      cause,
    );
  }

  /** Wraps a driver error, keeping it as `cause` and its message (and SQLite code) in ours. */
  static wrap(operation: SqliteOperation, path: string, persistenceId: string | undefined, cause: unknown): SqliteStoreError {
    if (cause instanceof SqliteStoreError) return cause;
    return new SqliteStoreError(operation, path, persistenceId, describeDriverError(cause), cause);
  }
}

/** The driver error's message with its SQLite code, e.g. `database is locked (SQLITE_BUSY)`. */
export function describeDriverError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}
