import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import { EngramError } from '@engram/core/spi';
import { PostgresStoreError, type PostgresOperation } from '../errors/index.js';
import { checkUserPool, connectionDefaults, poolConfigFor, type PostgresConnection } from './PostgresConnection.js';

export type { PostgresConnection } from './PostgresConnection.js';

/**
 * A pool, who owns it, and the one way to borrow a connection: errors come back as
 * `PostgresStoreError`s naming the operation and persistenceIds, and a broken connection is
 * destroyed rather than returned to the pool.
 */
export class Database {
  readonly pool: Pool;
  /** `host:port, database "x", user "y"`, for connection errors. */
  readonly target: string;
  private readonly ownsPool: boolean;
  private closed = false;

  constructor(connection: PostgresConnection) {
    if ('pool' in connection) {
      checkUserPool(connection);
      this.pool = connection.pool;
      this.ownsPool = false;
    } else {
      this.pool = new pg.Pool(poolConfigFor(connection));
      this.ownsPool = true;
      // An idle connection the server drops (restart, pg_terminate_backend) is reported here; the
      // pool already discarded it and the next borrow opens a fresh one. Without a listener,
      // Node would end the process.
      this.pool.on('error', () => {});
    }
    this.target = describeTarget(this.pool);
  }

  /**
   * Runs `work` on a borrowed connection. Any error becomes a `PostgresStoreError`; a connection
   * that reported an error is destroyed instead of going back to the pool.
   */
  async withClient<T>(
    operation: PostgresOperation,
    persistenceIds: readonly string[],
    work: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.connect(operation, persistenceIds);
    // While borrowed, a dropped connection emits 'error' on the client; unheard, it would end
    // the process. The failing query rejects on its own, so the listener only has to exist.
    const onError = (): void => {};
    client.on('error', onError);
    let failure: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      // Errors are rare, and after one the connection's state (an open portal, a half-read
      // result, a dead socket) is not worth trusting: it is closed instead of reused.
      failure = error instanceof Error ? error : new Error(String(error));
      // Engram's own errors (a schema too new, a store error from a nested call) already say it all.
      throw error instanceof EngramError ? error : new PostgresStoreError(operation, persistenceIds, error);
    } finally {
      client.off('error', onError);
      client.release(failure);
    }
  }

  /**
   * Runs `work` inside BEGIN / COMMIT. On any error the transaction is rolled back (or, when the
   * connection is gone, the server rolls it back), so nothing of it is stored.
   */
  async transaction<T>(
    operation: PostgresOperation,
    persistenceIds: readonly string[],
    work: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    return this.withClient(operation, persistenceIds, (client) => inTransaction(client, () => work(client)));
  }

  /** The most connections the pool opens at once. */
  get poolSize(): number {
    return this.pool.options.max ?? connectionDefaults.poolSize;
  }

  /** Closes the pool when the store created it; a user's pool stays open. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsPool) await this.pool.end();
  }

  private async connect(operation: PostgresOperation, persistenceIds: readonly string[]): Promise<PoolClient> {
    if (this.closed) {
      throw new PostgresStoreError(operation, persistenceIds, new Error('the store was closed'));
    }
    try {
      return await this.pool.connect();
    } catch (error) {
      const context = `cannot connect to PostgreSQL at ${this.target}`;
      throw new PostgresStoreError(operation, persistenceIds, error, context);
    }
  }
}

function describeTarget(pool: Pool): string {
  // A Client resolves connection strings, environment variables and defaults the same way the
  // pool's connections will; constructing one opens nothing.
  const probe = new pg.Client(pool.options);
  return `${probe.host}:${probe.port}, database "${probe.database ?? ''}", user "${probe.user ?? ''}"`;
}

/** Runs `work` between BEGIN and COMMIT on `client`; rolls back when it throws. */
export async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      // The connection is gone; the server rolls the transaction back itself.
    });
    throw error;
  }
  await client.query('COMMIT');
  return result;
}
