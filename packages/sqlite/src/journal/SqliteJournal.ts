import type Database from 'better-sqlite3';
import {
  type AtomicWrite,
  InvalidArgument,
  type Journal,
  type JournalReader,
  type PersistentRepr,
  replayBounds,
  SequenceConflict,
} from '@engram/core/spi';
import {
  closeDatabase,
  openDatabase,
  prepareDatabasePath,
  resolveConnectionOptions,
  type SqliteConnectionOptions,
  type SqliteWriters,
  WriterLock,
} from '../database/index.js';
import { describeDriverError, SqliteStoreError, type SqliteOperation } from '../errors/index.js';
import { SqliteJournalReader } from '../query/SqliteJournalReader.js';
import { decodeEvent, encodeTags, type NameLookup } from './decodeEvent.js';
import { IdCache, NameCache } from './IdCache.js';
import {
  EVENT_PARAMS,
  EventColumn,
  INDEX_PARAMS,
  type JournalStatements,
  prepareJournalStatements,
  ROWS_PER_INSERT,
} from './JournalStatements.js';
import { validateWrite } from './validateWrite.js';

export interface SqliteJournalOptions extends SqliteConnectionOptions {
  /** Largest serialized payload (and metadata) accepted per event, in bytes. Default 16 MiB. */
  readonly maxPayloadBytes?: number;
  /** Events read per query during replay; the replay yields to the event loop between pages. Default 1000. */
  readonly replayPageSize?: number;
  /**
   * Tuning: new index entries are moved from the small recent index into the main one after this
   * many events (default 50,000). Smaller values cost write throughput; see the README.
   */
  readonly indexMergeEvery?: number;
  /**
   * `single` (default): this journal is the file's only writer. Opening a second journal on the
   * file, in this process or another, fails with `SqliteFileInUse` until this one is closed (or
   * its process died). Two live writers of one persistenceId would otherwise only learn of each
   * other from a `SequenceConflict` on their next write, after having answered from stale state.
   * `shared`: any number of `shared` journals, in any processes, write the file at once (SQLite
   * lets one transaction in at a time; a second writer of a persistenceId gets `SequenceConflict`).
   * Readers (`SqliteReadJournal`, `SqliteSnapshotStore`, the sqlite3 shell) are never refused.
   */
  readonly writers?: SqliteWriters;
}

/** Where the file's events end: its last ordering, and the last one moved into the main index. */
interface Position {
  readonly lastOrdering: number;
  readonly mergedUpto: number;
}

/**
 * What a write transaction leaves: the streams written, each with its highest sequence nr, and
 * the file's position (undefined when the call wrote nothing and the position was not read).
 */
interface Stored {
  readonly written: ReadonlyMap<number, number>;
  readonly position: Position | undefined;
}

/** Largest value SQLite's INTEGER holds exactly in a JS number; stands in for `Infinity` bounds. */
const MAX_BOUND = Number.MAX_SAFE_INTEGER;
const DELETE_CHUNK = 10_000;
const ID_CACHE_ENTRIES = 100_000;

/**
 * Engram's embedded journal: one SQLite file in WAL mode. A `writeMessages` call is one
 * transaction (group commit); SQLite lets one writer at a time in, also across processes, so
 * `ordering` grows in commit order. By default a journal is its file's only writer (see
 * `writers`: a second one fails with `SqliteFileInUse`); with `writers: 'shared'`, a second
 * writer of a persistenceId gets `SequenceConflict`.
 * Calls run synchronously on the calling thread; the returned promises settle after the work.
 */
export class SqliteJournal implements Journal {
  readonly path: string;
  readonly #maxPayloadBytes: number;
  readonly #replayPageSize: number;
  readonly #indexMergeEvery: number;
  readonly #streamIds = new IdCache(ID_CACHE_ENTRIES);
  readonly #tagIds = new IdCache(ID_CACHE_ENTRIES);
  readonly #writerIds = new IdCache(ID_CACHE_ENTRIES);
  readonly #manifestIds = new IdCache(ID_CACHE_ENTRIES);
  readonly #names: NameLookup;
  #db: Database.Database | undefined;
  readonly #sql: JournalStatements;
  readonly #writeTransaction: (writes: readonly AtomicWrite[], results: (Error | undefined)[]) => Stored;
  readonly #deleteChunk: (streamId: number, to: number) => number;
  #reader: SqliteJournalReader | undefined;
  readonly #lock: WriterLock | undefined;
  /**
   * The highest sequence nr of streams this journal wrote, as committed; only when it is the
   * file's one writer (`writers: 'single'`, or an in-memory file), since then nothing else can
   * change it. A delete leaves the highest as it was (the floor keeps it). Saves a query per
   * stream and call.
   */
  readonly #committedHighest: Map<number, number> | undefined;
  /**
   * The file's last ordering and how far its recent index is merged, as the last commit left
   * them; kept on the same terms as `#committedHighest` (a delete changes neither: the ordering
   * floor keeps the last ordering). Saves two queries per call, a lone writer's most.
   */
  #committedPosition: Position | undefined;

  constructor(options: SqliteJournalOptions) {
    const connection = resolveConnectionOptions(options, { cacheSizeMiB: 64, mmapSizeMiB: 0 });
    this.path = connection.path;
    this.#maxPayloadBytes = positive('maxPayloadBytes', options.maxPayloadBytes, 16 * 1024 * 1024, this.path);
    this.#replayPageSize = positive('replayPageSize', options.replayPageSize, 1000, this.path);
    this.#indexMergeEvery = positive('indexMergeEvery', options.indexMergeEvery, 50_000, this.path);
    const sharing = options.writers ?? 'single';
    if (sharing !== 'single' && sharing !== 'shared') {
      throw new InvalidArgument('SqliteJournal option writers', sharing, "'single' (the default) or 'shared'");
    }
    prepareDatabasePath(this.path);
    // Taken before the file is opened: a refused journal does not even migrate the schema under the writer.
    const lock = this.path === ':memory:' ? undefined : WriterLock.acquire(this.path, sharing, connection.busyTimeoutMs);
    let db: Database.Database | undefined;
    try {
      // ~1,000 pages change per group commit: SQLite's default (1,000) would checkpoint, and sync,
      // after nearly every commit.
      db = openDatabase(connection, { walAutocheckpoint: 10_000 });
      this.#sql = prepareJournalStatements(db);
    } catch (error) {
      db?.close();
      lock?.release();
      throw SqliteStoreError.wrap('open', this.path, undefined, error);
    }
    this.#db = db;
    this.#lock = lock;
    this.#committedHighest = sharing === 'single' || this.path === ':memory:' ? new Map() : undefined;
    // IMMEDIATE: take the write lock before reading the ordering counter and the streams' highest
    // sequence nrs, so no other process can commit in between.
    this.#writeTransaction = db.transaction((writes: readonly AtomicWrite[], results: (Error | undefined)[]) =>
      this.#storeAll(writes, results),
    ).immediate;
    this.#deleteChunk = db.transaction((streamId: number, to: number) => this.#deleteOldest(streamId, to)).immediate;
    const sql = this.#sql;
    const missing = (what: string) => (id: number): never => {
      throw new SqliteStoreError('replayMessages', this.path, undefined, `an event refers to ${what} id ${id}, which has no row: the file is damaged`);
    };
    const writers = new NameCache((id) => sql.writerById.get(id) ?? missing('writer')(id), ID_CACHE_ENTRIES);
    const manifests = new NameCache((id) => sql.manifestById.get(id) ?? missing('manifest')(id), ID_CACHE_ENTRIES);
    this.#names = { writerUuid: (id) => writers.get(id), manifest: (id) => manifests.get(id) };
  }

  /**
   * The query side on this journal's connection: what `PersistenceQuery.get(system).readJournal()`
   * reads. To read the file from elsewhere (another process, no actor system), use `SqliteReadJournal`.
   */
  get reader(): JournalReader<number> {
    this.#reader ??= new SqliteJournalReader(this.#open('readEvents', undefined), this.path, this.#sql, false);
    return this.#reader;
  }

  async writeMessages(writes: readonly AtomicWrite[]): Promise<readonly (Error | undefined)[]> {
    this.#open('writeMessages', writes.length === 1 ? writes[0]?.persistenceId : undefined);
    const results = writes.map((write) => validateWrite(write, this.#maxPayloadBytes));
    if (results.every((result, i) => result !== undefined || writes[i]!.events.length === 0)) return results;
    try {
      const stored = this.#writeTransaction(writes, results);
      for (const ids of [this.#streamIds, this.#tagIds, this.#writerIds, this.#manifestIds]) ids.commit();
      this.#remember(stored);
    } catch (error) {
      for (const ids of [this.#streamIds, this.#tagIds, this.#writerIds, this.#manifestIds]) ids.rollback();
      this.#committedPosition = undefined;
      throw this.#writeFailure(writes, error);
    }
    return results;
  }

  async replayMessages(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max: number,
    onEvent: (event: PersistentRepr) => void,
  ): Promise<void> {
    this.#open('replayMessages', persistenceId);
    const bounds = replayBounds(fromSequenceNr, toSequenceNr, max);
    if (bounds === undefined) return;
    const last = bounds.to;
    let next = bounds.from;
    let remaining = bounds.max;
    const streamId = this.#run('replayMessages', persistenceId, () => this.#knownStreamId(persistenceId));
    if (streamId === undefined) return;
    for (;;) {
      const limit = Math.min(this.#replayPageSize, remaining);
      const from = next;
      const rows = this.#run('replayMessages', persistenceId, () =>
        this.#sql.page.all(streamId, from, last, streamId, from, last, limit),
      );
      const names = this.#names;
      for (const row of rows) onEvent(decodeEvent(persistenceId, row, names));
      remaining -= rows.length;
      if (rows.length < limit || remaining === 0) return;
      next = (rows[rows.length - 1]![EventColumn.seqNr] as number) + 1;
      // Let other actors' work run between pages: a long recovery must not stall the process.
      await yieldToEventLoop();
      this.#open('replayMessages', persistenceId);
    }
  }

  async readHighestSequenceNr(persistenceId: string, _fromSequenceNr: number): Promise<number> {
    return this.#run('readHighestSequenceNr', persistenceId, () => this.#sql.highestSeqNr.get(persistenceId) ?? 0);
  }

  async deleteMessagesTo(persistenceId: string, toSequenceNr: number): Promise<void> {
    this.#open('deleteMessagesTo', persistenceId);
    const to = Math.min(MAX_BOUND, Math.floor(toSequenceNr));
    if (!(to >= 1)) return;
    const streamId = this.#run('deleteMessagesTo', persistenceId, () => this.#knownStreamId(persistenceId));
    if (streamId === undefined) return;
    // In chunks of oldest events, each its own transaction, so other writers get in between;
    // an interrupted delete leaves a shorter prefix deleted, which is still a valid journal.
    for (;;) {
      const deleted = this.#run('deleteMessagesTo', persistenceId, () => this.#deleteChunk(streamId, to));
      if (deleted < DELETE_CHUNK) return;
      await yieldToEventLoop();
    }
  }

  /**
   * @internal For the TCK's torture writer (src/testing): stores `writes` as `writeMessages` does,
   * inside a transaction that is then rolled back, so that nothing of them is ever visible.
   */
  writeMessagesRolledBack(writes: readonly AtomicWrite[]): readonly (Error | undefined)[] {
    const db = this.#open('writeMessages', undefined);
    const results = writes.map((write) => validateWrite(write, this.#maxPayloadBytes));
    db.exec('BEGIN IMMEDIATE');
    try {
      // Nested in the open transaction, the write transaction is a savepoint.
      this.#writeTransaction(writes, results);
    } finally {
      db.exec('ROLLBACK');
      for (const ids of [this.#streamIds, this.#tagIds, this.#writerIds, this.#manifestIds]) ids.rollback();
    }
    return results;
  }

  /** Closes the file after `PRAGMA optimize` (refreshes the planner's statistics). Idempotent. */
  async close(): Promise<void> {
    const db = this.#db;
    if (db === undefined) return;
    this.#db = undefined;
    try {
      closeDatabase(db, this.path);
    } finally {
      this.#lock?.release();
    }
  }

  /**
   * After a commit, when this journal is the file's one writer: the highest sequence nr of each
   * stream written (up to ID_CACHE_ENTRIES streams), and the file's position.
   */
  #remember(stored: Stored): void {
    const cache = this.#committedHighest;
    if (cache === undefined) return;
    const { written } = stored;
    if (cache.size + written.size > ID_CACHE_ENTRIES) cache.clear();
    for (const [streamId, highest] of written) cache.set(streamId, highest);
    if (stored.position !== undefined) this.#committedPosition = stored.position;
  }

  /** The streams written, each with its highest sequence nr, and the file's position once the transaction commits. */
  #storeAll(writes: readonly AtomicWrite[], results: (Error | undefined)[]): Stored {
    const sql = this.#sql;
    // Only ever set for the file's one writer (#remember).
    const known = this.#committedPosition;
    const firstOrdering = (known?.lastOrdering ?? sql.readLastOrdering.get()!) + 1;
    let ordering = firstOrdering;
    // Rows wait here until ROWS_PER_INSERT of them go in with one statement.
    let eventRows: unknown[] = [];
    let indexRows: unknown[] = [];
    /** Ids refused with SequenceConflict in this call, with the first sequence nr refused. */
    const refused = new Map<string, number>();
    /** Streams written in this call, with their highest sequence nr now (their rows may still be buffered). */
    const written = new Map<number, number>();
    for (let i = 0; i < writes.length; i++) {
      const write = writes[i]!;
      const events = write.events;
      const first = events[0];
      if (results[i] !== undefined || first === undefined) continue;
      const pid = write.persistenceId;
      // A stale writer's later write would land after another writer's events.
      const conflict = refused.get(pid);
      if (conflict !== undefined) {
        results[i] = new SequenceConflict(pid, conflict);
        continue;
      }
      const streamId = this.#streamIdFor(pid);
      const highest = written.get(streamId) ?? this.#committedHighest?.get(streamId) ?? sql.highestOfStream.get(streamId) ?? 0;
      if (first.sequenceNr <= highest) {
        results[i] = new SequenceConflict(pid, first.sequenceNr);
        refused.set(pid, first.sequenceNr);
        continue;
      }
      written.set(streamId, first.sequenceNr + events.length - 1);
      for (const e of events) {
        const meta = e.metadata;
        eventRows.push(ordering, streamId, e.sequenceNr, this.#writerIdFor(e.writerUuid), e.timestamp, e.serializerId,
          this.#manifestIdFor(e.manifest),
          e.payload, encodeTags(e.tags), meta?.serializerId ?? null, meta?.manifest ?? null, meta?.payload ?? null);
        indexRows.push(streamId, e.sequenceNr, ordering);
        if (eventRows.length === ROWS_PER_INSERT * EVENT_PARAMS) {
          sql.insertEvents.run(eventRows);
          sql.addRecentIndexes.run(indexRows);
          eventRows = [];
          indexRows = [];
        }
        if (e.tags.length > 0) for (const tag of new Set(e.tags)) sql.addEventTag.run(this.#tagIdFor(tag), ordering);
        ordering++;
      }
    }
    for (let row = 0; row < eventRows.length / EVENT_PARAMS; row++) {
      sql.insertEvent.run(eventRows.slice(row * EVENT_PARAMS, (row + 1) * EVENT_PARAMS));
      sql.addRecentIndex.run(indexRows.slice(row * INDEX_PARAMS, (row + 1) * INDEX_PARAMS));
    }
    const lastOrdering = ordering - 1;
    if (lastOrdering < firstOrdering) return { written, position: known };
    let mergedUpto = known?.mergedUpto ?? sql.readMergedUpto.get()!;
    if (lastOrdering - mergedUpto >= this.#indexMergeEvery) {
      sql.mergeIndex.run();
      sql.clearRecentIndex.run();
      sql.writeMergedUpto.run(lastOrdering);
      mergedUpto = lastOrdering;
    }
    return { written, position: { lastOrdering, mergedUpto } };
  }

  #deleteOldest(streamId: number, to: number): number {
    const sql = this.#sql;
    const rows = sql.doomed.all(streamId, to, streamId, to, DELETE_CHUNK);
    if (rows.length === 0) return 0;
    // The highest sequence nr and the last ordering survive the delete of the rows that hold them.
    sql.raiseStreamFloor.run(streamId);
    sql.raiseOrderingFloor.run();
    for (const [, ordering, tags] of rows) {
      sql.deleteEvent.run(ordering as number);
      if (tags === null) continue;
      for (const tag of new Set(JSON.parse(tags as string) as string[])) {
        const tagId = this.#tagIds.get(tag) ?? sql.findTag.get(tag);
        if (tagId !== undefined) sql.deleteEventTag.run(tagId, ordering as number);
      }
    }
    const lastRow = rows[rows.length - 1];
    if (lastRow !== undefined) {
      sql.deleteMergedIndex.run(streamId, lastRow[0] as number);
      sql.deleteRecentIndex.run(streamId, lastRow[0] as number);
    }
    return rows.length;
  }

  /**
   * Inside the write transaction: the stream's id, creating its row on its first event. A row
   * found by the query and not created by this transaction was committed before it: cacheable now.
   */
  #streamIdFor(persistenceId: string): number {
    return this.#idFor(this.#streamIds, persistenceId, this.#sql.findStream, this.#sql.addStream);
  }

  #tagIdFor(tag: string): number {
    return this.#idFor(this.#tagIds, tag, this.#sql.findTag, this.#sql.addTag);
  }

  #writerIdFor(writerUuid: string): number {
    return this.#idFor(this.#writerIds, writerUuid, this.#sql.findWriter, this.#sql.addWriter);
  }

  #manifestIdFor(manifest: string): number {
    return this.#idFor(this.#manifestIds, manifest, this.#sql.findManifest, this.#sql.addManifest);
  }

  /** Inside the write transaction: the id of a name row, creating it on first use (counted on commit). */
  #idFor(
    cache: IdCache,
    name: string,
    find: Database.Statement<[string], number>,
    add: Database.Statement<[string]>,
  ): number {
    const cached = cache.get(name);
    if (cached !== undefined) return cached;
    const found = find.get(name);
    if (found !== undefined) {
      cache.remember(name, found);
      return found;
    }
    const created = Number(add.run(name).lastInsertRowid);
    cache.rememberPending(name, created);
    return created;
  }

  /** Outside a write transaction: the id of a stream that has been written, if any. */
  #knownStreamId(persistenceId: string): number | undefined {
    const cached = this.#streamIds.get(persistenceId);
    if (cached !== undefined) return cached;
    const id = this.#sql.findStream.get(persistenceId);
    if (id !== undefined) this.#streamIds.remember(persistenceId, id);
    return id;
  }

  #open(operation: SqliteOperation, persistenceId: string | undefined): Database.Database {
    if (this.#db === undefined) throw new SqliteStoreError(operation, this.path, persistenceId, 'the journal is closed');
    return this.#db;
  }

  #run<T>(operation: SqliteOperation, persistenceId: string, work: () => T): T {
    this.#open(operation, persistenceId);
    try {
      return work();
    } catch (error) {
      throw SqliteStoreError.wrap(operation, this.path, persistenceId, error);
    }
  }

  #writeFailure(writes: readonly AtomicWrite[], error: unknown): SqliteStoreError {
    if (writes.length === 1) return SqliteStoreError.wrap('writeMessages', this.path, writes[0]!.persistenceId, error);
    if (error instanceof SqliteStoreError) return error;
    const pids = [...new Set(writes.map((w) => w.persistenceId))];
    const named = pids.slice(0, 3).map((pid) => `"${pid}"`).join(', ');
    const more = pids.length > 3 ? ` and ${pids.length - 3} more` : '';
    return new SqliteStoreError(
      'writeMessages',
      this.path,
      undefined,
      `${describeDriverError(error)}; nothing of the ${writes.length} AtomicWrites of persistenceIds ${named}${more} was stored`,
      error,
    );
  }

}

function positive(name: string, value: number | undefined, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new SqliteStoreError('open', path, undefined, `option ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
