import Database from 'better-sqlite3';
import type { BenchEvent } from './workload.js';

/**
 * The naive baseline every SQLite figure is printed next to: one rowid table keyed by
 * (persistence_id, sequence_nr), WAL with synchronous=NORMAL, SQLite's default cache and
 * checkpointing, one INSERT per event, one transaction per call.
 */
export interface RawStore {
  readonly name: string;
  readonly db: Database.Database;
  /** Stores the events in one transaction. */
  write(events: readonly BenchEvent[]): void;
  /** One page of a replay: rows as arrays whose `payloadIndex` entry is the payload. */
  page(persistenceId: string, fromSeq: number, limit: number): unknown[][];
  readonly payloadIndex: number;
  readonly seqIndex: number;
}

export function openNaive(path: string): RawStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS events (
    persistence_id TEXT NOT NULL, sequence_nr INTEGER NOT NULL, writer_uuid TEXT NOT NULL,
    timestamp INTEGER NOT NULL, serializer_id INTEGER NOT NULL, manifest TEXT NOT NULL,
    payload BLOB NOT NULL, tags TEXT, PRIMARY KEY (persistence_id, sequence_nr))`);
  const insert = db.prepare(
    'INSERT INTO events (persistence_id, sequence_nr, writer_uuid, timestamp, serializer_id, manifest, payload, tags) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const select = db
    .prepare(
      'SELECT sequence_nr, writer_uuid, timestamp, serializer_id, manifest, payload, tags FROM events ' +
        'WHERE persistence_id = ? AND sequence_nr >= ? ORDER BY sequence_nr LIMIT ?',
    )
    .raw(true);
  const write = db.transaction((events: readonly BenchEvent[]) => {
    for (const e of events) {
      insert.run(e.persistenceId, e.sequenceNr, e.writerUuid, e.timestamp, 1, e.manifest, e.payload,
        e.tags.length === 0 ? null : JSON.stringify(e.tags));
    }
  });
  return {
    name: 'naive (pid text, seq) rowid table, default pragmas',
    db,
    write: (events) => write.immediate(events),
    page: (pid, fromSeq, limit) => select.all(pid, fromSeq, limit) as unknown[][],
    payloadIndex: 5,
    seqIndex: 0,
  };
}
