import {
  InvalidArgument,
  OffsetConflict,
  type ProjectionId,
  type StoredProjection,
  type TransactionalOffsetStore,
} from '@engram/core/spi';
import type { PoolClient } from 'pg';
import { StoreContext, type PostgresConnection, type PostgresStoreOptions } from '../database/index.js';
import { PostgresStoreError, type PostgresOperation } from '../errors/index.js';
import { offsetStatements, type OffsetStatements } from './offsetStatements.js';

export type PostgresOffsetStoreOptions = PostgresConnection & PostgresStoreOptions;

/**
 * Projection offsets in PostgreSQL (`projection_offset`, in the journal's schema and prefix), and
 * the transactions of projections whose read model lives in the same database:
 * `inTransaction(id, expected, next, (client) => ...)` runs the handler's statements on a
 * `pg.PoolClient` inside BEGIN / COMMIT together with the offset's compare-and-set, so the read
 * model and the offset commit together or not at all.
 *
 * Every offset write is a compare-and-set against the offset the projection last read or wrote:
 * a second instance of a projection fails with `OffsetConflict` instead of advancing too.
 * `new PostgresOffsetStore({ connectionString, schema, tablePrefix })` creates a pool (ended by
 * `close()`); `{ pool }` uses yours.
 */
export class PostgresOffsetStore implements TransactionalOffsetStore<PoolClient> {
  private readonly context: StoreContext;
  private readonly statements: OffsetStatements;

  constructor(options: PostgresOffsetStoreOptions) {
    this.context = new StoreContext(options, options);
    this.statements = offsetStatements(this.context.tables);
  }

  /** Creates or upgrades the tables now instead of on first use. */
  migrate(): Promise<void> {
    return this.context.migrate();
  }

  async readProjection(id: ProjectionId): Promise<StoredProjection> {
    const { name, key } = checkId(id);
    await this.context.ensureReady('readProjection', []);
    return this.context.db.withClient('readProjection', [], async (client) => {
      const { rows } = await client.query<{ offset: string | null; paused: boolean }>({ ...this.statements.read, values: [name, key] });
      const row = rows[0];
      return { offset: row?.offset ?? undefined, paused: row?.paused ?? false };
    });
  }

  async saveOffset(id: ProjectionId, expected: string | undefined, next: string | undefined): Promise<void> {
    checkId(id);
    checkOffset('expected', expected);
    checkOffset('next', next);
    await this.context.ensureReady('saveOffset', []);
    await this.context.db.withClient('saveOffset', [], (client) => this.compareAndSet('saveOffset', client, id, expected, next));
  }

  async savePaused(id: ProjectionId, paused: boolean): Promise<void> {
    const { name, key } = checkId(id);
    if (typeof paused !== 'boolean') throw new InvalidArgument('paused', paused, 'true or false');
    await this.context.ensureReady('savePaused', []);
    await this.context.db.withClient('savePaused', [], (client) => client.query({ ...this.statements.savePaused, values: [name, key, paused] }));
  }

  async inTransaction<R>(id: ProjectionId, expected: string | undefined, next: string, work: (tx: PoolClient) => R | Promise<R>): Promise<R> {
    checkId(id);
    checkOffset('expected', expected);
    checkOffset('next', next);
    if (typeof work !== 'function') throw new InvalidArgument('work', work, 'a function of the transaction’s client');
    await this.context.ensureReady('inTransaction', []);
    const client = await this.connect();
    // A dropped connection reports 'error' on the client; the failing query rejects on its own.
    const onError = (): void => {};
    client.on('error', onError);
    /** Set when the connection cannot be trusted any more: it is destroyed instead of pooled. */
    let broken: Error | undefined;
    try {
      try {
        await storeStep('inTransaction', () => client.query('BEGIN'));
      } catch (error) {
        broken = error instanceof Error ? error : new Error(String(error));
        throw error;
      }
      try {
        const result = await work(client);
        await this.compareAndSet('inTransaction', client, id, expected, next);
        await storeStep('inTransaction', () => client.query('COMMIT'));
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackFailure: unknown) => {
          // The connection is gone or unusable; the server rolls the transaction back itself.
          broken = rollbackFailure instanceof Error ? rollbackFailure : new Error(String(rollbackFailure));
        });
        throw error;
      }
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** Ends the pool when this store created it. */
  close(): Promise<void> {
    return this.context.close();
  }

  /** The compare-and-set on `client` (in its transaction, if one is open); `OffsetConflict` when it fails. */
  private async compareAndSet(
    operation: PostgresOperation,
    client: PoolClient,
    id: ProjectionId,
    expected: string | undefined,
    next: string | undefined,
  ): Promise<void> {
    const projection = `${id.name}/${id.key}`;
    const values = [id.name, id.key, expected ?? null, next ?? null];
    const updated = await storeStep(operation, () => client.query({ ...this.statements.update, values }));
    if (updated.rowCount === 1) return;
    if (expected === undefined) {
      const inserted = await storeStep(operation, () => client.query({ ...this.statements.insert, values: [id.name, id.key, next ?? null] }));
      if (inserted.rowCount === 1) return;
    }
    const found = await storeStep(operation, () => client.query<{ offset: string | null }>({ ...this.statements.read, values: [id.name, id.key] }));
    throw new OffsetConflict(projection, expected, found.rows[0]?.offset ?? undefined);
  }

  private async connect(): Promise<PoolClient> {
    try {
      return await this.context.db.pool.connect();
    } catch (error) {
      throw new PostgresStoreError('inTransaction', [], error, `cannot connect to PostgreSQL at ${this.context.db.target}`);
    }
  }
}

/** A statement of the store's own, its failure as a `PostgresStoreError`; the handler's errors stay as they are. */
async function storeStep<T>(operation: PostgresOperation, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new PostgresStoreError(operation, [], error);
  }
}

function checkId(id: ProjectionId): ProjectionId {
  if (typeof id !== 'object' || id === null) throw new InvalidArgument('projection id', id, 'an object { name, key }');
  if (typeof id.name !== 'string' || id.name.length === 0) throw new InvalidArgument('projection name', id.name, 'a non-empty string');
  if (typeof id.key !== 'string') throw new InvalidArgument('projection key', id.key, "a string ('' when the projection has one instance)");
  return id;
}

function checkOffset(name: string, offset: string | undefined): void {
  if (offset !== undefined && (typeof offset !== 'string' || offset.length === 0)) {
    throw new InvalidArgument(`${name} offset`, offset, 'an offset text (String(offset)) or undefined');
  }
}
