import type Database from 'better-sqlite3';

/** The journal's SQL, prepared once per connection (preparing costs more than most statements). */
export interface JournalStatements {
  readonly findStream: Database.Statement<[string], number>;
  readonly addStream: Database.Statement<[string]>;
  /** Claims seq nrs up to ?1 for stream ?2 when nothing at or above ?3 is taken yet. */
  readonly advanceStream: Database.Statement<[number, number, number]>;
  readonly highestSeqNr: Database.Statement<[string], number>;
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
  readonly readLastOrdering: Database.Statement<[], number>;
  readonly writeLastOrdering: Database.Statement<[number]>;
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
    addStream: db.prepare('INSERT INTO streams (persistence_id, highest_seq_nr) VALUES (?, 0)'),
    advanceStream: db.prepare('UPDATE streams SET highest_seq_nr = ? WHERE id = ? AND highest_seq_nr < ?'),
    highestSeqNr: db.prepare<[string], number>('SELECT highest_seq_nr FROM streams WHERE persistence_id = ?').pluck(true),
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
    readLastOrdering: db.prepare<[], number>("SELECT value FROM journal_state WHERE name = 'last_ordering'").pluck(true),
    writeLastOrdering: db.prepare("UPDATE journal_state SET value = ? WHERE name = 'last_ordering'"),
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
