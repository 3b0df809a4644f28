import type Database from 'better-sqlite3';
import {
  EngramError,
  InvalidArgument,
  OffsetConflict,
  type ProjectionId,
  type StoredProjection,
  type TransactionalOffsetStore,
} from '@engram/core/spi';
import {
  closeDatabase,
  openDatabase,
  resolveConnectionOptions,
  type SqliteConnectionOptions,
} from '../database/index.js';
import { describeDriverError, SqliteStoreError, type SqliteOperation } from '../errors/index.js';

export type SqliteOffsetStoreOptions = SqliteConnectionOptions;

type OffsetRow = [offset: string | null, paused: number];

interface OffsetStatements {
  readonly read: Database.Statement<[string, string], OffsetRow>;
  readonly writeOffset: Database.Statement<[string, string, string | null, number]>;
  readonly writePaused: Database.Statement<[string, string, number, number]>;
}

/**
 * Projection offsets in an Engram SQLite file, usually the journal's, next to the read model's
 * tables: `inTransaction` runs an exactly-once handler's writes and the offset's compare-and-set
 * in one transaction of this store's connection (`BEGIN IMMEDIATE`, waiting up to
 * `busyTimeoutMs` for another writer, as the journal does). The handler gets that connection, a
 * better-sqlite3 `Database`, and must do its work synchronously: better-sqlite3 transactions
 * cannot stay open across an `await`.
 */
export class SqliteOffsetStore implements TransactionalOffsetStore<Database.Database> {
  readonly path: string;
  #db: Database.Database | undefined;
  readonly #sql: OffsetStatements;
  readonly #save: (id: ProjectionId, expected: string | undefined, next: string | undefined) => void;
  readonly #inTransaction: (
    id: ProjectionId,
    expected: string | undefined,
    next: string,
    work: (tx: Database.Database) => unknown,
  ) => unknown;

  constructor(options: SqliteOffsetStoreOptions) {
    const connection = resolveConnectionOptions(options, { cacheSizeMiB: 8, mmapSizeMiB: 0 });
    this.path = connection.path;
    const db = openDatabase(connection, { walAutocheckpoint: 1000 });
    this.#db = db;
    try {
      this.#sql = {
        read: db
          .prepare<[string, string], OffsetRow>('SELECT "offset", paused FROM projection_offsets WHERE name = ? AND key = ?')
          .raw(true),
        writeOffset: db.prepare(
          `INSERT INTO projection_offsets (name, key, "offset", paused, updated_at) VALUES (?, ?, ?, 0, ?)
           ON CONFLICT (name, key) DO UPDATE SET "offset" = excluded."offset", updated_at = excluded.updated_at`,
        ),
        writePaused: db.prepare(
          `INSERT INTO projection_offsets (name, key, "offset", paused, updated_at) VALUES (?, ?, NULL, ?, ?)
           ON CONFLICT (name, key) DO UPDATE SET paused = excluded.paused, updated_at = excluded.updated_at`,
        ),
      };
    } catch (error) {
      db.close();
      throw SqliteStoreError.wrap('open', this.path, undefined, error);
    }
    this.#save = db.transaction((id: ProjectionId, expected: string | undefined, next: string | undefined) =>
      this.#compareAndSet(id, expected, next),
    ).immediate;
    this.#inTransaction = db.transaction(
      (
        id: ProjectionId,
        expected: string | undefined,
        next: string,
        work: (tx: Database.Database) => unknown,
      ) => {
        let result: unknown;
        try {
          result = work(db);
        } catch (error) {
          throw new HandlerThrew(error);
        }
        if (isThenable(result)) {
          // Its later failure is not what the caller must hear about: the refusal below is.
          Promise.resolve(result).catch(() => undefined);
          throw new InvalidArgument(
            `the handler of projection ${describe(id)}`,
            result,
            'synchronous: an exactly-once handler on SQLite must be synchronous (it returned a promise), because ' +
              'better-sqlite3 transactions cannot stay open across an await; nothing of its writes was stored',
          );
        }
        this.#compareAndSet(id, expected, next);
        return result;
      },
    ).immediate;
  }

  async readProjection(id: ProjectionId): Promise<StoredProjection> {
    requireId(id);
    return this.#run('readProjection', id, () => {
      const row = this.#sql.read.get(id.name, id.key);
      return { offset: row?.[0] ?? undefined, paused: row?.[1] === 1 };
    });
  }

  async saveOffset(id: ProjectionId, expected: string | undefined, next: string | undefined): Promise<void> {
    requireId(id);
    requireOffset('expected', expected);
    requireOffset('next', next);
    this.#run('saveOffset', id, () => this.#save(id, expected, next));
  }

  async savePaused(id: ProjectionId, paused: boolean): Promise<void> {
    requireId(id);
    if (typeof paused !== 'boolean') throw new InvalidArgument('paused', paused, 'true or false');
    this.#run('savePaused', id, () => this.#sql.writePaused.run(id.name, id.key, paused ? 1 : 0, Date.now()));
  }

  async inTransaction<R>(
    id: ProjectionId,
    expected: string | undefined,
    next: string,
    work: (tx: Database.Database) => R | Promise<R>,
  ): Promise<R> {
    requireId(id);
    requireOffset('expected', expected);
    if (typeof next !== 'string') throw new InvalidArgument('next', next, 'an offset text (String(offset))');
    if (typeof work !== 'function') throw new InvalidArgument('work', work, 'a function of the transaction');
    try {
      return this.#run('inTransaction', id, () => this.#inTransaction(id, expected, next, work)) as R;
    } catch (error) {
      // The handler's own error, as it threw it (the transaction was rolled back).
      if (error instanceof HandlerThrew) throw error.error;
      throw error;
    }
  }

  /** Closes the file after `PRAGMA optimize`. Idempotent. */
  async close(): Promise<void> {
    const db = this.#db;
    if (db === undefined) return;
    this.#db = undefined;
    closeDatabase(db, this.path);
  }

  /** Inside a write transaction: the offset moves from `expected` to `next`, or nothing changes. */
  #compareAndSet(id: ProjectionId, expected: string | undefined, next: string | undefined): void {
    const found = this.#sql.read.get(id.name, id.key)?.[0] ?? undefined;
    if (found !== expected) throw new OffsetConflict(describe(id), expected, found);
    this.#sql.writeOffset.run(id.name, id.key, next ?? null, Date.now());
  }

  #run<T>(operation: SqliteOperation, id: ProjectionId, work: () => T): T {
    if (this.#db === undefined) {
      throw new SqliteStoreError(operation, this.path, undefined, `the offset store is closed (projection ${describe(id)})`);
    }
    try {
      return work();
    } catch (error) {
      // OffsetConflict, a refused handler, the handler's own error: passed on as they are.
      if (error instanceof EngramError || error instanceof HandlerThrew) throw error;
      throw new SqliteStoreError(operation, this.path, undefined, `projection ${describe(id)}: ${describeDriverError(error)}`, error);
    }
  }
}

function describe(id: ProjectionId): string {
  return `${id.name}/${id.key}`;
}

function requireId(id: ProjectionId): void {
  if (typeof id !== 'object' || id === null) throw new InvalidArgument('projection id', id, 'an object { name, key }');
  if (typeof id.name !== 'string' || id.name === '') throw new InvalidArgument('projection name', id.name, 'a non-empty string');
  if (typeof id.key !== 'string') throw new InvalidArgument(`projection key of ${id.name}`, id.key, "a string ('' when it has one instance)");
}

function requireOffset(argument: string, offset: string | undefined): void {
  if (offset !== undefined && typeof offset !== 'string') {
    throw new InvalidArgument(argument, offset, 'an offset text (String(offset)) or undefined');
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Carries what an exactly-once handler threw out of the transaction, so it is not taken for a store failure. */
class HandlerThrew {
  constructor(readonly error: unknown) {}
}
