import { EngramError, type StoreOperation } from '@engram/core/spi';

/**
 * The store operations a `PostgresStoreError` can name: the SPI calls, and beyond them connecting,
 * migrating the schema, the journal's NOTIFY after a write, the query side's reads and the offset
 * store's calls (`inTransaction` for the statements of a projection transaction itself).
 */
export type PostgresOperation =
  | StoreOperation
  | 'connect'
  | 'migrate'
  | 'notify'
  | 'readEvents'
  | 'readCeiling'
  | 'readHorizon'
  | 'readEventsByPersistenceId'
  | 'readPersistenceIds'
  | 'readChangeMarker'
  | 'readProjection'
  | 'saveOffset'
  | 'savePaused'
  | 'inTransaction';

/** How many persistenceIds a message lists before it says "and N more". */
const listedIds = 5;

/**
 * A storage failure: the database could not be reached, the connection broke, a statement timed
 * out or PostgreSQL refused a statement. The operation's promise rejects with it (the engine stops
 * the writers concerned). Nothing of an AtomicWrite is ever half-stored; whether a write whose
 * commit was cut off landed is unknown until the next read, as with any database.
 */
export class PostgresStoreError extends EngramError {
  override readonly name = 'PostgresStoreError';
  /** The SQLSTATE of the underlying PostgreSQL error, when it came from the server. */
  readonly code: string | undefined;

  constructor(
    readonly operation: PostgresOperation,
    readonly persistenceIds: readonly string[],
    cause: unknown,
    context?: string,
  ) {
    super(describe(operation, persistenceIds, cause, context), cause);
    this.code = sqlState(cause);
  }
}

function describe(
  operation: PostgresOperation,
  persistenceIds: readonly string[],
  cause: unknown,
  context: string | undefined,
): string {
  const ids =
    persistenceIds.length === 0
      ? ''
      : ` for persistenceId${persistenceIds.length === 1 ? '' : 's'} ` +
        persistenceIds
          .slice(0, listedIds)
          .map((id) => JSON.stringify(id))
          .join(', ') +
        (persistenceIds.length > listedIds ? ` and ${persistenceIds.length - listedIds} more` : '');
  const where = context === undefined ? '' : ` (${context})`;
  const code = sqlState(cause);
  const reason = cause instanceof Error ? cause.message : String(cause);
  const state = code === undefined ? '' : ` [SQLSTATE ${code}]`;
  return `PostgreSQL ${operation} failed${ids}${where}: ${reason}${state}`;
}

function sqlState(cause: unknown): string | undefined {
  if (typeof cause === 'object' && cause !== null && 'code' in cause) {
    const code = (cause as { code: unknown }).code;
    // Server errors carry a five-character SQLSTATE; socket errors carry ECONNREFUSED and the like.
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
