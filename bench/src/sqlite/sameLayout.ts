import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { SqliteJournal } from '@engram/sqlite';
import type { RawStore } from './naive.js';
import type { BenchEvent } from './workload.js';

/** SQLite's limit on `?` parameters per statement (SQLITE_MAX_VARIABLE_NUMBER of the bundled build). */
export const SQLITE_MAX_VARIABLES = 32_766;
/** Parameters of one `events` row and of one `event_index_recent` row. */
const EVENT_PARAMS = 12;
const INDEX_PARAMS = 3;
/** What SqliteJournal does by default: move the recent index into the main one every 50,000 events. */
const MERGE_EVERY = 50_000;

/**
 * Rows per multi-row INSERT for `batch` rows of `params` parameters each: the whole batch in one
 * statement when SQLite's parameter limit allows, else as few statements as it allows, capped at
 * `cap` rows (the measured best, see openSameLayout).
 */
export function rowsPerStatement(batch: number, params: number, cap: number): number {
  if (!Number.isSafeInteger(batch) || batch < 1) throw new RangeError(`a batch needs at least one row, got ${batch}`);
  if (!Number.isSafeInteger(params) || params < 1 || params > SQLITE_MAX_VARIABLES) {
    throw new RangeError(`a row has 1 to ${SQLITE_MAX_VARIABLES} parameters, got ${params}`);
  }
  if (!Number.isSafeInteger(cap) || cap < 1) throw new RangeError(`the cap on rows per statement must be positive, got ${cap}`);
  return Math.min(batch, cap, Math.floor(SQLITE_MAX_VARIABLES / params));
}

/**
 * The sizes of the statements that store `batch` rows `perStatement` at a time: full statements,
 * then one with the rest. Each size is prepared once.
 */
export function statementSizes(batch: number, perStatement: number): number[] {
  const sizes: number[] = [];
  for (let done = 0; done < batch; done += perStatement) sizes.push(Math.min(perStatement, batch - done));
  return sizes;
}

export interface SameLayoutOptions {
  /** Largest number of rows in one INSERT (also bounded by SQLite's parameter limit). */
  readonly maxRowsPerStatement?: number;
}

/**
 * The raw baseline on SqliteJournal's own layout: the file is created by SqliteJournal (so the
 * tables and indexes are the ones it migrates to), then written by bare better-sqlite3 with the
 * journal's connection settings, doing what the layout needs and nothing else: one IMMEDIATE
 * transaction per call, orderings taken after the last one given (the newest event's or the
 * `journal_state` floor), each stream's highest sequence nr checked as SqliteJournal checks it
 * (the newest index entry or the stream row's floor; one read per run of a stream's events), events
 * and recent-index entries in multi-row INSERTs (prepared once per size), and the recent index
 * merged into the main one as often as SqliteJournal merges it. No validation, no serializer, no
 * promise, no engine.
 */
export async function openSameLayout(path: string, options: SameLayoutOptions = {}): Promise<RawStore> {
  await new SqliteJournal({ path }).close();
  const cap = options.maxRowsPerStatement ?? Math.floor(SQLITE_MAX_VARIABLES / EVENT_PARAMS);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = ${-64 * 1024}`);
  db.pragma('mmap_size = 0');
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  const values = (rows: number, params: number) => {
    const row = `(${Array.from({ length: params }, () => '?').join(', ')})`;
    return Array.from({ length: rows }, () => row).join(', ');
  };
  const insertEvents = new Map<number, Database.Statement<unknown[]>>();
  const insertIndexes = new Map<number, Database.Statement<unknown[]>>();
  const prepared = (cache: Map<number, Database.Statement<unknown[]>>, rows: number, sql: (rows: number) => string) => {
    let statement = cache.get(rows);
    if (statement === undefined) {
      statement = db.prepare(sql(rows));
      cache.set(rows, statement);
    }
    return statement;
  };
  const eventsSql = (rows: number) =>
    `INSERT INTO events (ordering, stream_id, seq_nr, writer_id, timestamp, serializer_id, manifest_id, payload, tags,
       meta_serializer_id, meta_manifest, meta_payload) VALUES ${values(rows, EVENT_PARAMS)}`;
  const indexSql = (rows: number) => `INSERT INTO event_index_recent (stream_id, seq_nr, ordering) VALUES ${values(rows, INDEX_PARAMS)}`;
  const findStream = db.prepare<[string], number>('SELECT id FROM streams WHERE persistence_id = ?').pluck(true);
  const addStream = db.prepare('INSERT INTO streams (persistence_id, seq_nr_floor) VALUES (?, 0)');
  const highest = db
    .prepare<[number], number>(
      `SELECT max(s.seq_nr_floor, coalesce((SELECT max(seq_nr) FROM event_index_recent WHERE stream_id = s.id), 0),
         coalesce((SELECT max(seq_nr) FROM event_index WHERE stream_id = s.id), 0)) FROM streams s WHERE s.id = ?`,
    )
    .pluck(true);
  const readOrdering = db
    .prepare<[], number>(
      "SELECT max((SELECT value FROM journal_state WHERE name = 'ordering_floor'), coalesce((SELECT max(ordering) FROM events), 0))",
    )
    .pluck(true);
  const readMerged = db.prepare<[], number>("SELECT value FROM journal_state WHERE name = 'index_merged_upto'").pluck(true);
  const writeMerged = db.prepare("UPDATE journal_state SET value = ? WHERE name = 'index_merged_upto'");
  const merge = db.prepare('INSERT INTO event_index (stream_id, seq_nr, ordering) SELECT stream_id, seq_nr, ordering FROM event_index_recent');
  const clearRecent = db.prepare('DELETE FROM event_index_recent');
  const nameId = (table: 'writers' | 'manifests', column: 'uuid' | 'name') => {
    const find = db.prepare<[string], number>(`SELECT id FROM ${table} WHERE ${column} = ?`).pluck(true);
    const add = db.prepare(`INSERT INTO ${table} (${column}) VALUES (?)`);
    const ids = new Map<string, number>();
    return (name: string): number => {
      let id = ids.get(name) ?? find.get(name);
      if (id === undefined) id = Number(add.run(name).lastInsertRowid);
      ids.set(name, id);
      return id;
    };
  };
  const writerId = nameId('writers', 'uuid');
  const manifestId = nameId('manifests', 'name');
  const streamIds = new Map<string, number>();
  const streamId = (pid: string): number => {
    let id = streamIds.get(pid) ?? findStream.get(pid);
    if (id === undefined) id = Number(addStream.run(pid).lastInsertRowid);
    streamIds.set(pid, id);
    return id;
  };
  const page = db
    .prepare(
      `SELECT e.seq_nr, e.writer_id, e.timestamp, e.serializer_id, e.manifest_id, e.payload, e.tags FROM (
         SELECT seq_nr, ordering FROM event_index WHERE stream_id = ? AND seq_nr >= ?
         UNION ALL
         SELECT seq_nr, ordering FROM event_index_recent WHERE stream_id = ? AND seq_nr >= ?
         ORDER BY seq_nr LIMIT ?) i JOIN events e ON e.ordering = i.ordering ORDER BY i.seq_nr`,
    )
    .raw(true);

  const write = db.transaction((events: readonly BenchEvent[]) => {
    let ordering = readOrdering.get()!;
    const first = ordering + 1;
    const eventRows: unknown[] = [];
    const indexRows: unknown[] = [];
    for (let i = 0; i < events.length; ) {
      const pid = events[i]!.persistenceId;
      const id = streamId(pid);
      let end = i + 1;
      while (end < events.length && events[end]!.persistenceId === pid) end++;
      const last = events[end - 1]!.sequenceNr;
      if (highest.get(id)! >= events[i]!.sequenceNr) throw new Error(`sequence conflict on ${pid}: ${last} is taken`);
      for (; i < end; i++) {
        const e = events[i]!;
        ordering++;
        eventRows.push(ordering, id, e.sequenceNr, writerId(e.writerUuid), e.timestamp, 1, manifestId(e.manifest), e.payload,
          e.tags.length === 0 ? null : JSON.stringify(e.tags), null, null, null);
        indexRows.push(id, e.sequenceNr, ordering);
      }
    }
    let row = 0;
    for (const rows of statementSizes(events.length, rowsPerStatement(events.length, EVENT_PARAMS, cap))) {
      prepared(insertEvents, rows, eventsSql).run(eventRows.slice(row * EVENT_PARAMS, (row + rows) * EVENT_PARAMS));
      prepared(insertIndexes, rows, indexSql).run(indexRows.slice(row * INDEX_PARAMS, (row + rows) * INDEX_PARAMS));
      row += rows;
    }
    if (ordering < first) return;
    if (ordering - readMerged.get()! >= MERGE_EVERY) {
      merge.run();
      clearRecent.run();
      writeMerged.run(ordering);
    }
  });
  return {
    name: `SqliteJournal's layout, bare better-sqlite3, up to ${cap} rows per INSERT`,
    db,
    write: (events) => write.immediate(events),
    page: (pid, fromSeq, limit) => {
      const id = streamIds.get(pid) ?? findStream.get(pid);
      return id === undefined ? [] : (page.all(id, fromSeq, id, fromSeq, limit) as unknown[][]);
    },
    payloadIndex: 5,
    seqIndex: 0,
  };
}

/**
 * A digest of every stored event's (persistence id, seq nr, payload type, payload) in a file of
 * SqliteJournal's layout, in stream and seq nr order: equal digests mean the same payload bytes.
 */
export function payloadDigest(db: Database.Database): { readonly rows: number; readonly digest: string } {
  const rows = db
    .prepare(
      `SELECT s.persistence_id, e.seq_nr, typeof(e.payload), e.payload FROM events e JOIN streams s ON s.id = e.stream_id
       ORDER BY s.persistence_id, e.seq_nr`,
    )
    .raw(true)
    .iterate() as IterableIterator<unknown[]>;
  return digestOf(rows);
}

function digestOf(rows: IterableIterator<unknown[]>): { readonly rows: number; readonly digest: string } {
  const hash = createHash('sha256');
  let count = 0;
  for (const [pid, seq, type, payload] of rows) {
    hash.update(`${String(pid)}\u0000${String(seq)}\u0000${String(type)}\u0000`);
    hash.update(payload as string | Buffer);
    hash.update('\u0001');
    count++;
  }
  return { rows: count, digest: hash.digest('hex') };
}
