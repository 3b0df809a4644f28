import type { Tables } from '../database/Tables.js';

/** One step of the schema. Applied once, in version order, inside the migration transaction. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly statements: (tables: Tables) => readonly string[];
}

/**
 * Every schema version, oldest first. Never edit a released migration: add the next one.
 *
 * Version 1, the journal:
 * - `(persistence_id, sequence_nr)` is the primary key: the unique key that makes a second live
 *   writer of one id fail instead of interleaving.
 * - Global order is `(tx_id, ordering)`: `ordering` comes from an identity sequence (no lock
 *   shared by writers; values are handed out before commit, so they commit out of order) and
 *   `tx_id` is the writing transaction's id. A reader reads only rows whose `tx_id` is below
 *   `pg_snapshot_xmin(pg_current_snapshot())`: every transaction that could still commit has an
 *   id at or above it, so nothing can later appear below a position a reader has passed.
 * - Payloads: `payload_text` for text serializers (round-trips exactly, unlike jsonb, which
 *   reorders keys and drops whitespace), `payload_bytes` for binary ones. `payload_kind` says
 *   which: 0 text, 1 bytes, 2 text kept as UTF-8 bytes because it contains U+0000, which a
 *   PostgreSQL text value cannot hold. Metadata uses the same three forms.
 * - Tags: kept on the row (replay returns them) and, one row per tag, in `event_tag`, keyed by
 *   `(tag, tx_id, ordering)` so events by tag are read in global order from one index range.
 * - `deletion` remembers the highest sequence nr ever deleted per id, so deleting every event
 *   never lowers the highest sequence nr.
 * - Snapshots: one row per `(persistence_id, sequence_nr)`; saving it again replaces it.
 *
 * Version 2, the highest sequence nr per id:
 * - `stream` keeps, per persistenceId, the highest sequence nr ever written. A write is accepted
 *   only above it, in the statement that inserts the events, so a stale second writer cannot
 *   store a sequence nr again once its row was deleted (the primary key alone no longer sees it).
 *   One row per id, locked only by writers of that id: unrelated writers never wait on each other.
 *   `last_write_from` is the first sequence nr of the latest accepted write; the insert proposes
 *   it so that `ON CONFLICT ... DO UPDATE ... WHERE` can compare it with the stored highest.
 * - Filled from the journal and `deletion`, which it replaces.
 * - Its rows are updated by every write: fillfactor 70 leaves room on each page, so the update
 *   stays on the page (a HOT update, no index entry).
 *
 * Version 3, rows that carry only what varies (replay speed: the driver turns every non-null
 * column of every row into a JavaScript value, and that cost more than the rest of a replay):
 * - `event_type`: (serializer id, manifest, payload kind) by small id; the journal keeps
 *   `type_id` instead of the three. Readers cache the few types there are. The manifest is part of
 *   the unique key, so it is limited to 1,024 UTF-8 bytes (a btree entry must fit a third of a page).
 * - Writer uuids only where a run of one writer's events starts: `writer_uuid` is null on the
 *   other rows, and `writer_run` records each run's first sequence nr, so that a replay starting
 *   inside a run (or after its first row was deleted) knows its writer. Within a run the writer
 *   is the one of the row before: one writer at a time per id, which `stream` enforces.
 * - Filled from the journal's own columns, which it then drops.
 *
 * Version 4, the read side:
 * - `projection_offset`: per projection name and key, the offset text of the last envelope it
 *   handled (null: none) and whether it is paused. Offsets are written with a compare-and-set
 *   (`PostgresOffsetStore`), so two instances of a projection cannot both advance.
 * - `stream` by persistenceId in byte order (`COLLATE "C"`): `persistenceIds` queries page through
 *   the ids in one order whatever the database's collation, each page one index range. The column
 *   never changes on update, so the stream rows' updates stay HOT.
 * - The journal's write lock, also for writers that do not take it themselves: readers read below
 *   a horizon that only transactions holding it can hold back (src/query/Horizons.ts), and a
 *   transaction must hold it before it has an id. This version's write statement takes it first
 *   thing; a BEFORE ... FOR EACH STATEMENT trigger on every table a journal write inserts into
 *   takes it too, before the statement's first row, so that a writer of version 3 still running
 *   during a rolling upgrade (or a script inserting events) is seen by the readers as well. For a
 *   transaction that already holds it, taking it again costs a lookup in its own lock table.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'journal, event tags, deletions and snapshots',
    statements: (t) => [
      `CREATE TABLE ${t.journal} (
        ordering bigint GENERATED ALWAYS AS IDENTITY,
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        persistence_id text NOT NULL,
        sequence_nr bigint NOT NULL,
        writer_uuid text NOT NULL,
        write_timestamp bigint NOT NULL,
        serializer_id integer NOT NULL,
        manifest text NOT NULL,
        payload_kind smallint NOT NULL,
        payload_text text,
        payload_bytes bytea,
        tags text[],
        meta_serializer_id integer,
        meta_manifest text,
        meta_kind smallint,
        meta_text text,
        meta_bytes bytea,
        PRIMARY KEY (persistence_id, sequence_nr)
      )`,
      `CREATE UNIQUE INDEX ${t.journalOrderIndex} ON ${t.journal} (tx_id, ordering)`,
      `CREATE TABLE ${t.tags} (
        tag text NOT NULL,
        tx_id xid8 NOT NULL,
        ordering bigint NOT NULL,
        persistence_id text NOT NULL,
        sequence_nr bigint NOT NULL,
        PRIMARY KEY (tag, tx_id, ordering)
      )`,
      `CREATE TABLE ${t.deletions} (
        persistence_id text PRIMARY KEY,
        deleted_to bigint NOT NULL
      )`,
      `CREATE TABLE ${t.snapshots} (
        persistence_id text NOT NULL,
        sequence_nr bigint NOT NULL,
        write_timestamp bigint NOT NULL,
        serializer_id integer NOT NULL,
        manifest text NOT NULL,
        payload_kind smallint NOT NULL,
        payload_text text,
        payload_bytes bytea,
        PRIMARY KEY (persistence_id, sequence_nr)
      )`,
    ],
  },
  {
    version: 2,
    description: 'highest sequence nr per persistenceId, replacing deletion',
    statements: (t) => [
      `CREATE TABLE ${t.streams} (
        persistence_id text PRIMARY KEY,
        highest_sequence_nr bigint NOT NULL,
        last_write_from bigint NOT NULL
      ) WITH (fillfactor = 70)`,
      `INSERT INTO ${t.streams} (persistence_id, highest_sequence_nr, last_write_from)
        SELECT persistence_id, max(highest), max(highest) FROM (
          SELECT persistence_id, max(sequence_nr) AS highest FROM ${t.journal} GROUP BY persistence_id
          UNION ALL
          SELECT persistence_id, deleted_to FROM ${t.deletions}
        ) AS known
        GROUP BY persistence_id`,
      `DROP TABLE ${t.deletions}`,
    ],
  },
  {
    version: 3,
    description: 'event types by id, writer uuids once per run',
    statements: (t) => [
      `CREATE TABLE ${t.eventTypes} (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        serializer_id integer NOT NULL,
        manifest text NOT NULL,
        payload_kind smallint NOT NULL,
        CONSTRAINT ${t.eventTypeKey} UNIQUE (serializer_id, payload_kind, manifest)
      )`,
      `INSERT INTO ${t.eventTypes} (serializer_id, manifest, payload_kind)
        SELECT DISTINCT serializer_id, manifest, payload_kind FROM ${t.journal}`,
      `CREATE TABLE ${t.writerRuns} (
        persistence_id text NOT NULL,
        first_sequence_nr bigint NOT NULL,
        writer_uuid text NOT NULL,
        PRIMARY KEY (persistence_id, first_sequence_nr)
      )`,
      `INSERT INTO ${t.writerRuns} (persistence_id, first_sequence_nr, writer_uuid)
        SELECT persistence_id, sequence_nr, writer_uuid FROM (
          SELECT persistence_id, sequence_nr, writer_uuid,
            lag(writer_uuid) OVER (PARTITION BY persistence_id ORDER BY sequence_nr) AS previous
          FROM ${t.journal}
        ) AS rows
        WHERE previous IS DISTINCT FROM writer_uuid`,
      `ALTER TABLE ${t.journal} ADD COLUMN type_id integer, ALTER COLUMN writer_uuid DROP NOT NULL`,
      `UPDATE ${t.journal} j SET type_id = e.id,
          writer_uuid = CASE WHEN EXISTS (
            SELECT 1 FROM ${t.writerRuns} r WHERE r.persistence_id = j.persistence_id AND r.first_sequence_nr = j.sequence_nr
          ) THEN j.writer_uuid END
        FROM ${t.eventTypes} e
        WHERE e.serializer_id = j.serializer_id AND e.payload_kind = j.payload_kind AND e.manifest = j.manifest`,
      `ALTER TABLE ${t.journal} ALTER COLUMN type_id SET NOT NULL,
        DROP COLUMN serializer_id, DROP COLUMN manifest, DROP COLUMN payload_kind`,
    ],
  },
  {
    version: 4,
    description: 'projection offsets, persistenceIds in byte order',
    statements: (t) => [
      `CREATE TABLE ${t.projectionOffsets} (
        name text NOT NULL,
        key text NOT NULL,
        "offset" text,
        paused boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ${t.projectionOffsetKey} PRIMARY KEY (name, key)
      )`,
      `CREATE INDEX ${t.streamIdIndex} ON ${t.streams} (persistence_id COLLATE "C")`,
      `CREATE FUNCTION ${t.journalLockFunction}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_advisory_xact_lock_shared(${t.journalLock[0]}, ${t.journalLock[1]});
          RETURN NULL;
        END $$`,
      ...[t.streams, t.writerRuns, t.journal, t.tags].map(
        (table) => `CREATE TRIGGER ${t.journalLockTrigger} BEFORE INSERT ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION ${t.journalLockFunction}()`,
      ),
    ],
  },
];

export const latestSchemaVersion = migrations.reduce((v, m) => Math.max(v, m.version), 0);
