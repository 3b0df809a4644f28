import type Database from 'better-sqlite3';

/** One step of the schema, applied inside the migrating transaction. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly up: (db: Database.Database) => void;
}

/**
 * The schema of an Engram SQLite file, as an ordered list: a file at version n has had
 * migrations 1..n applied. Append new steps; never edit a released one. The version is kept in
 * SQLite's `user_version` header field.
 *
 * Why this layout (figures in the README):
 * - `events` is clustered by `ordering` (the rowid), so a group commit appends its rows at the end
 *   of the table instead of touching one page per actor. The writer takes orderings after the
 *   higher of the newest event's and `journal_state`'s `ordering_floor`, a floor that a delete raises
 *   first (schema 3), so an ordering is never reused, also after the newest rows are deleted, and
 *   a write changes no state row (AUTOINCREMENT updates `sqlite_sequence` once per row, which cost
 *   a third of the write throughput).
 * - The (stream, seq nr) -> ordering lookup lives in two index tables: new entries go to the small
 *   `event_index_recent`, whose few pages absorb a whole commit, and are moved in bulk into
 *   `event_index` every few tens of thousands of events. A per-event index on a big table dirties
 *   one page per actor per commit, which costs more than half of the write throughput.
 * - `streams` maps each persistenceId to a small integer. The highest sequence nr ever written
 *   (the single-writer check, which survives deletes) is the higher of the stream's newest index
 *   entry and `streams.seq_nr_floor`, a floor that a delete raises first (schema 3): a write
 *   changes no stream row, one page fewer per commit.
 * - Tags are stored on the event (for replay) and in `event_tags` keyed by (tag, ordering), so
 *   events by tag in global order are one index range.
 * - Payload columns are declared BLOB: that affinity stores values as given, so text stays text
 *   (even "42") and bytes stay bytes.
 * - Writer uuids and manifests repeat on every event but take few distinct values, so events hold
 *   small integer ids into `writers` and `manifests`: turning two 10-40 character strings into JS
 *   strings on every replayed row cost more than parsing the payload.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'journal, tags and snapshots',
    up: (db) => {
      db.exec(`
        CREATE TABLE streams (
          id INTEGER PRIMARY KEY,
          persistence_id TEXT NOT NULL UNIQUE,
          highest_seq_nr INTEGER NOT NULL
        );
        CREATE TABLE writers (
          id INTEGER PRIMARY KEY,
          uuid TEXT NOT NULL UNIQUE
        );
        CREATE TABLE manifests (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE events (
          ordering INTEGER PRIMARY KEY,
          stream_id INTEGER NOT NULL,
          seq_nr INTEGER NOT NULL,
          writer_id INTEGER NOT NULL,
          timestamp INTEGER NOT NULL,
          serializer_id INTEGER NOT NULL,
          manifest_id INTEGER NOT NULL,
          payload BLOB NOT NULL,
          tags TEXT,
          meta_serializer_id INTEGER,
          meta_manifest TEXT,
          meta_payload BLOB
        );
        CREATE TABLE event_index (
          stream_id INTEGER NOT NULL,
          seq_nr INTEGER NOT NULL,
          ordering INTEGER NOT NULL,
          PRIMARY KEY (stream_id, seq_nr)
        ) WITHOUT ROWID;
        CREATE TABLE event_index_recent (
          stream_id INTEGER NOT NULL,
          seq_nr INTEGER NOT NULL,
          ordering INTEGER NOT NULL,
          PRIMARY KEY (stream_id, seq_nr)
        ) WITHOUT ROWID;
        CREATE TABLE tags (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE event_tags (
          tag_id INTEGER NOT NULL,
          ordering INTEGER NOT NULL,
          PRIMARY KEY (tag_id, ordering)
        ) WITHOUT ROWID;
        CREATE TABLE journal_state (
          name TEXT PRIMARY KEY,
          value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO journal_state (name, value) VALUES ('last_ordering', 0), ('index_merged_upto', 0);
        CREATE TABLE snapshots (
          persistence_id TEXT NOT NULL,
          seq_nr INTEGER NOT NULL,
          timestamp INTEGER NOT NULL,
          serializer_id INTEGER NOT NULL,
          manifest TEXT NOT NULL,
          payload BLOB NOT NULL,
          PRIMARY KEY (persistence_id, seq_nr)
        );
      `);
    },
  },
  {
    version: 2,
    description: 'projection offsets',
    // Offsets as their text, so the file can keep the progress of projections over any read
    // journal; the paused flag survives restarts. In the same file as the journal and the read
    // model, so an exactly-once handler's writes and its offset commit in one transaction.
    up: (db) => {
      db.exec(`
        CREATE TABLE projection_offsets (
          name TEXT NOT NULL,
          key TEXT NOT NULL,
          "offset" TEXT,
          paused INTEGER NOT NULL DEFAULT 0,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (name, key)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 3,
    description: 'highest sequence nr and last ordering kept as floors',
    // The stored values are exact, so valid floors. Renamed, so that a process of an older
    // @engram/sqlite that still has the file open fails on its next statement instead of reading
    // them as current (and one that opens the file refuses its version).
    up: (db) => {
      db.exec(`
        ALTER TABLE streams RENAME COLUMN highest_seq_nr TO seq_nr_floor;
        UPDATE journal_state SET name = 'ordering_floor' WHERE name = 'last_ordering';
      `);
    },
  },
];

/** The schema version this build of @engram/sqlite writes. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
