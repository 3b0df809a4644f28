import type Database from 'better-sqlite3';

/** The query side's SQL beyond the journal's own statements, prepared once per connection. */
export interface ReaderStatements {
  /** Rows (see ReaderColumn) with after < ordering <= upTo, by ordering: after, upTo, limit. */
  readonly allPage: Database.Statement<[number, number, number], unknown[]>;
  /** The same for one tag: tag id, after, upTo, limit. */
  readonly tagPage: Database.Statement<[number, number, number, number], unknown[]>;
  /**
   * Rows of one stream by seq nr: stream, from, to (for the merged index), the same three again
   * (for the recent one), limit.
   */
  readonly streamPage: Database.Statement<[number, number, number, number, number, number, number], unknown[]>;
  readonly persistenceIdOf: Database.Statement<[number], string>;
  readonly firstPersistenceIds: Database.Statement<[number], string>;
  readonly persistenceIdsAfter: Database.Statement<[string, number], string>;
  /** [data_version, total_changes()]: moves on a commit of any connection, this one included. */
  readonly changeMarker: Database.Statement<[], unknown[]>;
}

/**
 * Column positions of a row read by the query side: the first ten are the replay row's
 * (EventColumn, so decodeEvent reads them), then the event's ordering and stream.
 */
export const ReaderColumn = { ordering: 10, streamId: 11 } as const;

const EVENT_COLUMNS = `e.seq_nr, e.writer_id, e.timestamp, e.serializer_id, e.manifest_id, e.payload, e.tags,
                       e.meta_serializer_id, e.meta_manifest, e.meta_payload, e.ordering, e.stream_id`;

export function prepareReaderStatements(db: Database.Database): ReaderStatements {
  // As replay does: both index tables in one statement, so one snapshot even if a merge commits
  // meanwhile.
  const inBothIndexes = `SELECT seq_nr, ordering FROM event_index WHERE stream_id = ? AND seq_nr BETWEEN ? AND ?
                         UNION ALL
                         SELECT seq_nr, ordering FROM event_index_recent WHERE stream_id = ? AND seq_nr BETWEEN ? AND ?
                         ORDER BY seq_nr LIMIT ?`;
  return {
    // A range of the rowid: the table is clustered by ordering.
    allPage: db
      .prepare<[number, number, number], unknown[]>(
        `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.ordering > ? AND e.ordering <= ? ORDER BY e.ordering LIMIT ?`,
      )
      .raw(true),
    // A range of event_tags' primary key (tag_id, ordering), then each event by rowid.
    tagPage: db
      .prepare<[number, number, number, number], unknown[]>(
        `SELECT ${EVENT_COLUMNS} FROM event_tags t JOIN events e ON e.ordering = t.ordering
          WHERE t.tag_id = ? AND t.ordering > ? AND t.ordering <= ? ORDER BY t.ordering LIMIT ?`,
      )
      .raw(true),
    streamPage: db
      .prepare<[number, number, number, number, number, number, number], unknown[]>(
        `SELECT ${EVENT_COLUMNS} FROM (${inBothIndexes}) i JOIN events e ON e.ordering = i.ordering ORDER BY i.seq_nr`,
      )
      .raw(true),
    persistenceIdOf: db.prepare<[number], string>('SELECT persistence_id FROM streams WHERE id = ?').pluck(true),
    firstPersistenceIds: db
      .prepare<[number], string>('SELECT persistence_id FROM streams ORDER BY persistence_id LIMIT ?')
      .pluck(true),
    persistenceIdsAfter: db
      .prepare<[string, number], string>(
        'SELECT persistence_id FROM streams WHERE persistence_id > ? ORDER BY persistence_id LIMIT ?',
      )
      .pluck(true),
    changeMarker: db.prepare<[], unknown[]>('SELECT data_version, total_changes() FROM pragma_data_version').raw(true),
  };
}
