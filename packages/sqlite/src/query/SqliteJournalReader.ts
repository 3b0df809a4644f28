import type Database from 'better-sqlite3';
import type { GlobalPage, GlobalQuery, JournalReader, PositionedEvent } from '@engram/core/spi';
import {
  closeDatabase,
  openDatabase,
  resolveConnectionOptions,
  type SqliteConnectionOptions,
} from '../database/index.js';
import { SqliteStoreError, type SqliteOperation } from '../errors/index.js';
import { decodeEvent, type NameLookup } from '../journal/decodeEvent.js';
import { IdCache, NameCache } from '../journal/IdCache.js';
import { type JournalStatements, prepareJournalStatements } from '../journal/JournalStatements.js';
import { prepareReaderStatements, ReaderColumn, type ReaderStatements } from './ReaderStatements.js';

/** Largest value SQLite's INTEGER holds exactly in a JS number; stands in for open upper bounds. */
const MAX_BOUND = Number.MAX_SAFE_INTEGER;
const CACHE_ENTRIES = 100_000;
/** A check of the change marker reads no table, only the WAL index: it can run often. */
const DEFAULT_POLL_INTERVAL_MS = 50;

/**
 * The SQLite journal's query side. Positions are `events.ordering` (the rowid).
 *
 * Why every page is complete up to what it read: writers take their orderings after the last
 * ordering ever given (the newest event's, or the floor a delete left in `journal_state`) inside
 * a `BEGIN IMMEDIATE` transaction, and SQLite lets one write transaction in at a time (also
 * across processes), so a transaction that takes orderings has committed or rolled back before
 * the next one reads the last ordering. Orderings therefore become visible in ascending order,
 * and a page read in one statement (one snapshot) can never be overtaken by an event with a
 * smaller ordering. Ceiling and horizon are both that last ordering. A rolled-back transaction's
 * orderings were never visible, and the next writer takes them again.
 */
export class SqliteJournalReader implements JournalReader<number> {
  readonly offsetKind = 'sqlite';
  readonly startPosition = 0;
  readonly pollIntervalMs = DEFAULT_POLL_INTERVAL_MS;
  readonly path: string;
  readonly #db: Database.Database;
  readonly #ownsConnection: boolean;
  readonly #journalSql: JournalStatements;
  readonly #sql: ReaderStatements;
  readonly #names: NameLookup;
  /** Stream id -> persistenceId: stream rows are never changed or deleted once committed. */
  readonly #persistenceIds: NameCache;
  readonly #streamIds = new IdCache(CACHE_ENTRIES);
  readonly #tagIds = new IdCache(CACHE_ENTRIES);
  #closed = false;

  /**
   * A reader on a connection: a journal's (`ownsConnection` false: `close` leaves it open) or its
   * own (see `open`).
   */
  constructor(db: Database.Database, path: string, journalSql: JournalStatements, ownsConnection: boolean) {
    this.path = path;
    this.#db = db;
    this.#ownsConnection = ownsConnection;
    this.#journalSql = journalSql;
    try {
      this.#sql = prepareReaderStatements(db);
    } catch (error) {
      throw SqliteStoreError.wrap('open', path, undefined, error);
    }
    const missing = (what: string, id: number): never => {
      // Wrapped with the operation by #run.
      throw new Error(`an event refers to ${what} id ${id}, which has no row: the file is damaged`);
    };
    const writers = new NameCache((id) => journalSql.writerById.get(id) ?? missing('writer', id), CACHE_ENTRIES);
    const manifests = new NameCache((id) => journalSql.manifestById.get(id) ?? missing('manifest', id), CACHE_ENTRIES);
    this.#names = { writerUuid: (id) => writers.get(id), manifest: (id) => manifests.get(id) };
    this.#persistenceIds = new NameCache((id) => this.#sql.persistenceIdOf.get(id) ?? missing('stream', id), CACHE_ENTRIES);
  }

  /**
   * A reader on its own connection to the file (WAL: it sees every commit of other connections and
   * processes). A missing file is created with the journal's schema; a file of a newer schema is
   * refused. `close` closes the connection.
   */
  static open(options: SqliteConnectionOptions): SqliteJournalReader {
    const connection = resolveConnectionOptions(options, { cacheSizeMiB: 16, mmapSizeMiB: 0 });
    const db = openDatabase(connection, { walAutocheckpoint: 1000 });
    try {
      return new SqliteJournalReader(db, connection.path, prepareJournalStatements(db), true);
    } catch (error) {
      db.close();
      throw SqliteStoreError.wrap('open', connection.path, undefined, error);
    }
  }

  formatPosition(position: number): string {
    return String(position);
  }

  parsePosition(text: string): number {
    const position = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(position)) throw new Error('expected an event ordering, a non-negative integer');
    return position;
  }

  async readCeiling(): Promise<number> {
    return this.#run('readCeiling', undefined, () => this.#journalSql.readLastOrdering.get() ?? 0);
  }

  async readHorizon(): Promise<number> {
    return this.#run('readHorizon', undefined, () => this.#journalSql.readLastOrdering.get() ?? 0);
  }

  async readEvents(query: GlobalQuery<number>): Promise<GlobalPage<number>> {
    return this.#run('readEvents', undefined, () => {
      const upTo = Math.min(query.upTo ?? MAX_BOUND, MAX_BOUND);
      let rows: unknown[][];
      if (query.tag === undefined) {
        rows = this.#sql.allPage.all(query.after, upTo, query.limit);
      } else {
        const tagId = this.#tagId(query.tag);
        // A tag nobody used yet has no events, also none up to a ceiling read before.
        if (tagId === undefined) return { events: [], complete: true };
        rows = this.#sql.tagPage.all(tagId, query.after, upTo, query.limit);
      }
      const events = rows.map((row) => this.#positioned(this.#persistenceIds.get(row[ReaderColumn.streamId] as number), row));
      return { events, complete: events.length < query.limit };
    });
  }

  async readEventsByPersistenceId(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    limit: number,
  ): Promise<readonly PositionedEvent<number>[]> {
    return this.#run('readEventsByPersistenceId', persistenceId, () => {
      const streamId = this.#streamId(persistenceId);
      if (streamId === undefined) return [];
      const from = Math.max(0, fromSequenceNr);
      const to = Math.min(toSequenceNr, MAX_BOUND);
      const rows = this.#sql.streamPage.all(streamId, from, to, streamId, from, to, limit);
      return rows.map((row) => this.#positioned(persistenceId, row));
    });
  }

  async readHighestSequenceNr(persistenceId: string): Promise<number> {
    return this.#run('readHighestSequenceNr', persistenceId, () => this.#journalSql.highestSeqNr.get(persistenceId) ?? 0);
  }

  async readPersistenceIds(afterId: string | undefined, limit: number): Promise<readonly string[]> {
    return this.#run('readPersistenceIds', undefined, () =>
      afterId === undefined ? this.#sql.firstPersistenceIds.all(limit) : this.#sql.persistenceIdsAfter.all(afterId, limit),
    );
  }

  async readChangeMarker(): Promise<string> {
    return this.#run('readChangeMarker', undefined, () => {
      const [dataVersion, totalChanges] = this.#sql.changeMarker.get() ?? [];
      return `${String(dataVersion)}.${String(totalChanges)}`;
    });
  }

  /**
   * Closes the connection if the reader opened it. A journal's reader is the journal's: closing it
   * does nothing, it ends with the journal.
   */
  async close(): Promise<void> {
    if (this.#closed || !this.#ownsConnection) return;
    this.#closed = true;
    closeDatabase(this.#db, this.path);
  }

  #positioned(persistenceId: string, row: readonly unknown[]): PositionedEvent<number> {
    return { position: row[ReaderColumn.ordering] as number, repr: decodeEvent(persistenceId, row, this.#names) };
  }

  /** Ids of streams and tags are cached once found: their rows are never deleted. */
  #streamId(persistenceId: string): number | undefined {
    return this.#cachedId(this.#streamIds, persistenceId, this.#journalSql.findStream);
  }

  #tagId(tag: string): number | undefined {
    return this.#cachedId(this.#tagIds, tag, this.#journalSql.findTag);
  }

  #cachedId(cache: IdCache, name: string, find: Database.Statement<[string], number>): number | undefined {
    const cached = cache.get(name);
    if (cached !== undefined) return cached;
    const found = find.get(name);
    if (found !== undefined) cache.remember(name, found);
    return found;
  }

  #run<T>(operation: SqliteOperation, persistenceId: string | undefined, work: () => T): T {
    if (this.#closed || !this.#db.open) {
      const what = this.#ownsConnection ? 'the read journal is closed' : 'the journal is closed';
      throw new SqliteStoreError(operation, this.path, persistenceId, what);
    }
    try {
      return work();
    } catch (error) {
      throw SqliteStoreError.wrap(operation, this.path, persistenceId, error);
    }
  }
}
