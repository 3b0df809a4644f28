import type Database from 'better-sqlite3';

/** The journal's SQL, prepared once per connection (preparing costs more than most statements). */
export interface JournalStatements {
  readonly findStream: Database.Statement<[string], number>;
  readonly addStream: Database.Statement<[string]>;
  /** The highest sequence nr ever stored in stream ?1 (see `highestOf`). */
  readonly highestOfStream: Database.Statement<[number], number>;
  /** The same by persistenceId; no row for an unknown id. */
  readonly highestSeqNr: Database.Statement<[string], number>;
  /** Before a delete: stream ?1's floor becomes its highest sequence nr, which the delete may remove. */
  readonly raiseStreamFloor: Database.Statement<[number]>;
  /** One event: EVENT_PARAMS parameters (ordering, stream, seq nr, ..., meta payload). */
  readonly insertEvent: Database.Statement<unknown[]>;
  /** ROWS_PER_INSERT events in one statement: the parameters of each, one after another. */
  readonly insertEvents: Database.Statement<unknown[]>;
  /** One recent-index entry: stream, seq nr, ordering. */
  readonly addRecentIndex: Database.Statement<unknown[]>;
  /** ROWS_PER_INSERT recent-index entries in one statement. */
  readonly addRecentIndexes: Database.Statement<unknown[]>;
  readonly findTag: Database.Statement<[string], number>;
  readonly addTag: Database.Statement<[string]>;
  readonly findWriter: Database.Statement<[string], number>;
  readonly addWriter: Database.Statement<[string]>;
  readonly writerById: Database.Statement<[number], string>;
  readonly findManifest: Database.Statement<[string], number>;
  readonly addManifest: Database.Statement<[string]>;
  readonly manifestById: Database.Statement<[number], string>;
  readonly addEventTag: Database.Statement<[number, number]>;
  /** The highest ordering ever given to an event (see `lastOrdering`). */
  readonly readLastOrdering: Database.Statement<[], number>;
  /** Before a delete: the ordering floor becomes the last ordering, which the delete may remove. */
  readonly raiseOrderingFloor: Database.Statement<[]>;
  readonly readMergedUpto: Database.Statement<[], number>;
  readonly writeMergedUpto: Database.Statement<[number]>;
  readonly mergeIndex: Database.Statement<[]>;
  readonly clearRecentIndex: Database.Statement<[]>;
  /**
   * One replay page: rows as arrays (see EventColumn). Parameters: stream, from, to (for the merged
   * index), the same three again (for the recent one), limit.
   */
  readonly page: Database.Statement<[number, number, number, number, number, number, number], unknown[]>;
  /** [seq_nr, ordering, tags] of the oldest events up to a seq nr: stream, to, stream, to, limit. */
  readonly doomed: Database.Statement<[number, number, number, number, number], unknown[]>;
  readonly deleteEvent: Database.Statement<[number]>;
  readonly deleteEventTag: Database.Statement<[number, number]>;
  readonly deleteMergedIndex: Database.Statement<[number, number]>;
  readonly deleteRecentIndex: Database.Statement<[number, number]>;
}

/**
 * Events per multi-row INSERT during a group commit: one statement per 32 rows instead of one
 * per row gives more events per CPU-second (bench/src/sqlite/layout.ts; figures in bench/README.md).
 */
export const ROWS_PER_INSERT = 32;
export const EVENT_PARAMS = 12;
export const INDEX_PARAMS = 3;

/** Column positions of a replay row. */
export const EventColumn = {
  seqNr: 0,
  writerId: 1,
  timestamp: 2,
  serializerId: 3,
  manifestId: 4,
  payload: 5,
  tags: 6,
  metaSerializerId: 7,
  metaManifest: 8,
  metaPayload: 9,
} as const;

/**
 * The highest sequence nr ever stored in stream `s` (a `streams` row): the higher of the newest
 * index entry and `streams.seq_nr_floor`, a floor written only before a delete (which may
 * remove the newest entries). A write then changes no stream row, one page fewer per commit.
 */
const highestOf = (s: string) => `max(${s}.seq_nr_floor,
    coalesce((SELECT max(seq_nr) FROM event_index_recent WHERE stream_id = ${s}.id), 0),
    coalesce((SELECT max(seq_nr) FROM event_index WHERE stream_id = ${s}.id), 0))`;

/**
 * The highest ordering ever given: the newest event's (the rowid's end of the table) or
 * `journal_state.ordering_floor`, a floor written only before a delete. So an ordering is never
 * reused, also after the newest rows are deleted, and a write changes no state row.
 */
const lastOrdering = `max((SELECT value FROM journal_state WHERE name = 'ordering_floor'),
    coalesce((SELECT max(ordering) FROM events), 0))`;

export function prepareJournalStatements(db: Database.Database): JournalStatements {
  // Both index tables in one statement, so one snapshot even if a merge commits meanwhile: SQLite
  // merges the two ordered index ranges (MERGE (UNION ALL)), no sorting, then reads each event by rowid.
  const inBothIndexes = (range: string) =>
    `SELECT seq_nr, ordering FROM event_index WHERE stream_id = ? AND ${range}
     UNION ALL
     SELECT seq_nr, ordering FROM event_index_recent WHERE stream_id = ? AND ${range}
     ORDER BY seq_nr LIMIT ?`;
  const eventColumns = `e.seq_nr, e.writer_id, e.timestamp, e.serializer_id, e.manifest_id, e.payload, e.tags,
                        e.meta_serializer_id, e.meta_manifest, e.meta_payload`;
  const page = db
    .prepare<[number, number, number, number, number, number, number], unknown[]>(
      `SELECT ${eventColumns} FROM (${inBothIndexes('seq_nr BETWEEN ? AND ?')}) i
         JOIN events e ON e.ordering = i.ordering ORDER BY i.seq_nr`,
    )
    .raw(true);
  const doomed = db
    .prepare<[number, number, number, number, number], unknown[]>(
      `SELECT i.seq_nr, i.ordering, e.tags FROM (${inBothIndexes('seq_nr <= ?')}) i
         JOIN events e ON e.ordering = i.ordering ORDER BY i.seq_nr`,
    )
    .raw(true);
  return {
    findStream: db.prepare<[string], number>('SELECT id FROM streams WHERE persistence_id = ?').pluck(true),
    addStream: db.prepare('INSERT INTO streams (persistence_id, seq_nr_floor) VALUES (?, 0)'),
    highestOfStream: db.prepare<[number], number>(`SELECT ${highestOf('s')} FROM streams s WHERE s.id = ?`).pluck(true),
    highestSeqNr: db.prepare<[string], number>(`SELECT ${highestOf('s')} FROM streams s WHERE s.persistence_id = ?`).pluck(true),
    raiseStreamFloor: db.prepare(`UPDATE streams AS s SET seq_nr_floor = ${highestOf('s')} WHERE s.id = ?`),
    insertEvent: db.prepare(insertEvents(1)),
    insertEvents: db.prepare(insertEvents(ROWS_PER_INSERT)),
    addRecentIndex: db.prepare(addRecentIndexes(1)),
    addRecentIndexes: db.prepare(addRecentIndexes(ROWS_PER_INSERT)),
    findTag: db.prepare<[string], number>('SELECT id FROM tags WHERE name = ?').pluck(true),
    addTag: db.prepare('INSERT INTO tags (name) VALUES (?)'),
    findWriter: db.prepare<[string], number>('SELECT id FROM writers WHERE uuid = ?').pluck(true),
    addWriter: db.prepare('INSERT INTO writers (uuid) VALUES (?)'),
    writerById: db.prepare<[number], string>('SELECT uuid FROM writers WHERE id = ?').pluck(true),
    findManifest: db.prepare<[string], number>('SELECT id FROM manifests WHERE name = ?').pluck(true),
    addManifest: db.prepare('INSERT INTO manifests (name) VALUES (?)'),
    manifestById: db.prepare<[number], string>('SELECT name FROM manifests WHERE id = ?').pluck(true),
    addEventTag: db.prepare('INSERT INTO event_tags (tag_id, ordering) VALUES (?, ?)'),
    readLastOrdering: db.prepare<[], number>(`SELECT ${lastOrdering}`).pluck(true),
    raiseOrderingFloor: db.prepare(`UPDATE journal_state SET value = ${lastOrdering} WHERE name = 'ordering_floor'`),
    readMergedUpto: db.prepare<[], number>("SELECT value FROM journal_state WHERE name = 'index_merged_upto'").pluck(true),
    writeMergedUpto: db.prepare("UPDATE journal_state SET value = ? WHERE name = 'index_merged_upto'"),
    mergeIndex: db.prepare(
      'INSERT INTO event_index (stream_id, seq_nr, ordering) SELECT stream_id, seq_nr, ordering FROM event_index_recent',
    ),
    clearRecentIndex: db.prepare('DELETE FROM event_index_recent'),
    page,
    doomed,
    deleteEvent: db.prepare('DELETE FROM events WHERE ordering = ?'),
    deleteEventTag: db.prepare('DELETE FROM event_tags WHERE tag_id = ? AND ordering = ?'),
    deleteMergedIndex: db.prepare('DELETE FROM event_index WHERE stream_id = ? AND seq_nr <= ?'),
    deleteRecentIndex: db.prepare('DELETE FROM event_index_recent WHERE stream_id = ? AND seq_nr <= ?'),
  };
}

function values(rows: number, params: number): string {
  const row = `(${Array.from({ length: params }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

function insertEvents(rows: number): string {
  return `INSERT INTO events (ordering, stream_id, seq_nr, writer_id, timestamp, serializer_id, manifest_id, payload,
                              tags, meta_serializer_id, meta_manifest, meta_payload)
          VALUES ${values(rows, EVENT_PARAMS)}`;
}

function addRecentIndexes(rows: number): string {
  return `INSERT INTO event_index_recent (stream_id, seq_nr, ordering) VALUES ${values(rows, INDEX_PARAMS)}`;
}
