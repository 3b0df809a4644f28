import { createHash } from 'node:crypto';
import type { Tables } from '../database/index.js';

/** A statement with a name, so each connection prepares it once and reuses the plan. */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

/** The journal's SQL, built once per store from its (validated, quoted) table names. */
export interface JournalStatements {
  /**
   * Inserts a batch given as 13 parallel arrays, in one statement that needs no transaction
   * around it. Per persistenceId it first advances `stream` from the highest sequence nr to the
   * last one of the batch, only where the highest is below the batch's first one; events of
   * other ids are not inserted. Returns the ids that were refused (a row each): another writer
   * got there first, or wrote sequence nrs since deleted. Events that start a writer run (they
   * carry a writer uuid) are also recorded in `writer_run`.
   */
  readonly insert: NamedStatement;
  /** The same, also writing the events' tags to the tag table. */
  readonly insertTagged: NamedStatement;
  /**
   * The same for a batch of one event, its 13 columns as scalar parameters in the order of the
   * arrays: a lone writer's call, the usual one on a quiet service, skips unnesting 13 arrays,
   * grouping and sorting, a measurable part of the statement's time for one row
   * (bench/src/postgres/singleWrite.ts times a lone writer).
   */
  readonly insertOne: NamedStatement;
  readonly insertOneTagged: NamedStatement;
  /** Rows as `ReplayRow`s; `$5` lists the event type ids the reader knows. */
  readonly replay: string;
  readonly highestSequenceNr: NamedStatement;
  readonly deleteTo: string;
}

const columns = `persistence_id, sequence_nr, writer_uuid, write_timestamp, type_id, payload_text,
  payload_bytes, tags, meta_serializer_id, meta_manifest, meta_kind, meta_text, meta_bytes`;

/**
 * The batch as rows, in array order (`n`). Rows are inserted ORDER BY n so that `ordering`
 * follows the order of the call, and with it each id's sequence nrs. A multi-argument unnest pads
 * a shorter array with nulls, a null array too: a column that is null on every row may be sent as
 * one null (the persistence ids, `$1`, are never null).
 */
const input = `unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::integer[], $6::text[],
    $7::bytea[], $8::text[], $9::integer[], $10::text[], $11::smallint[], $12::text[], $13::bytea[])
  WITH ORDINALITY AS u(${columns}, n)`;

/**
 * Takes the journal's write lock, shared (writers never wait for each other on it), as the very
 * first thing the write statement does: an uncorrelated scalar subquery in the WHERE of `input`
 * is planned as a one-time filter, evaluated before the first input row exists, so before any row
 * is inserted and before the transaction has an id. Readers rely on that order: a transaction of
 * this journal that has an id holds the lock (src/query/Horizons.ts). The filter is always true.
 */
export const journalLockFilter = (t: Tables): string =>
  `(SELECT 1 FROM pg_advisory_xact_lock_shared(${t.journalLock[0]}, ${t.journalLock[1]})) = 1`;

/** The columns as selected from `input`: tags arrive as array literals, one per row. */
const selected = columns.replace('tags,', 'tags::text[],');

/**
 * Metadata as one value, null when the event has none (almost always): every selected column
 * costs the driver time per row, also a null one.
 */
export const metadataColumn = (j: string): string => `CASE WHEN ${j}.meta_serializer_id IS NOT NULL
    THEN json_build_array(${j}.meta_serializer_id, ${j}.meta_manifest, ${j}.meta_kind, ${j}.meta_text,
      encode(${j}.meta_bytes, 'hex')) END`;

/**
 * The guarantee of one writer per id, for the rows an INSERT into `streams AS s` proposes (the
 * id, the call's highest and first sequence nrs for it): an id's row advances only where its
 * highest is below the call's first, and only the ids that advanced are returned.
 */
const streamGuard = `ON CONFLICT (persistence_id) DO UPDATE
        SET highest_sequence_nr = EXCLUDED.highest_sequence_nr, last_write_from = EXCLUDED.last_write_from
        WHERE s.highest_sequence_nr < EXCLUDED.last_write_from
      RETURNING persistence_id`;

export function journalStatements(t: Tables): JournalStatements {
  /*
   * `advanced` takes each id's stream row lock in one order (byte order of the ids), so two calls
   * that contend for several ids (two live writers of the same actors) wait for each other
   * instead of deadlocking. The ids of one call are distinct there, so no row is updated twice.
   * Only the events of ids it returns are inserted: a refused id stores nothing.
   */
  const advance = `input AS (SELECT * FROM ${input} WHERE ${journalLockFilter(t)}),
    advanced AS (
      INSERT INTO ${t.streams} AS s (persistence_id, highest_sequence_nr, last_write_from)
      SELECT persistence_id, max(sequence_nr), min(sequence_nr) FROM input
      GROUP BY persistence_id ORDER BY persistence_id COLLATE "C"
      ${streamGuard}
    ),
    runs AS (
      INSERT INTO ${t.writerRuns} (persistence_id, first_sequence_nr, writer_uuid)
      SELECT persistence_id, sequence_nr, writer_uuid FROM input
      WHERE writer_uuid IS NOT NULL AND persistence_id IN (SELECT persistence_id FROM advanced)
    )`;
  const insertAdvanced = `INSERT INTO ${t.journal} (${columns})
    SELECT ${selected} FROM input WHERE persistence_id IN (SELECT persistence_id FROM advanced) ORDER BY n`;
  const refused = `SELECT DISTINCT persistence_id FROM input
    WHERE persistence_id NOT IN (SELECT persistence_id FROM advanced)`;
  return {
    insert: named(`WITH ${advance}, inserted AS (${insertAdvanced}) ${refused}`),
    insertTagged: named(`WITH ${advance},
      inserted AS (${insertAdvanced} RETURNING persistence_id, sequence_nr, tx_id, ordering, tags),
      tagged AS (
        INSERT INTO ${t.tags} (tag, tx_id, ordering, persistence_id, sequence_nr)
        SELECT tag, i.tx_id, i.ordering, i.persistence_id, i.sequence_nr
        FROM inserted i CROSS JOIN LATERAL (SELECT DISTINCT unnest(i.tags)) AS tagged(tag)
        WHERE i.tags IS NOT NULL
      )
      ${refused}`),
    ...oneRowStatements(t),
    replay: replayQuery(t),
    highestSequenceNr: named(`SELECT highest_sequence_nr FROM ${t.streams} WHERE persistence_id = $1`),
    /*
     * Runs that start before the one covering `$2 + 1` describe deleted events only; the covering
     * one stays, as the writer of the events after the delete (and of one that continues it).
     */
    deleteTo: `WITH removed AS (
        DELETE FROM ${t.journal} WHERE persistence_id = $1 AND sequence_nr <= $2
        RETURNING tx_id, ordering, tags
      ), untagged AS (
        DELETE FROM ${t.tags} t USING removed
        WHERE removed.tags IS NOT NULL AND t.tag = ANY (removed.tags)
          AND t.tx_id = removed.tx_id AND t.ordering = removed.ordering
      )
      DELETE FROM ${t.writerRuns} r
      WHERE r.persistence_id = $1 AND r.first_sequence_nr < (
        SELECT max(c.first_sequence_nr) FROM ${t.writerRuns} c
        WHERE c.persistence_id = $1 AND c.first_sequence_nr <= $2::bigint + 1)`,
  };
}

/**
 * `insertOne` and `insertOneTagged`: the journal's write of one event, with the guarantees of the
 * batch statement. The lock is taken first (the stream row's INSERT reads from `lock`); the
 * stream row is advanced only where the highest is below the event's sequence nr, and the event,
 * its writer run and its tags are inserted only when it was (they read from `advanced`).
 */
function oneRowStatements(t: Tables): Pick<JournalStatements, 'insertOne' | 'insertOneTagged'> {
  const advance = `lock AS (SELECT 1 WHERE ${journalLockFilter(t)}),
    advanced AS (
      INSERT INTO ${t.streams} AS s (persistence_id, highest_sequence_nr, last_write_from)
      SELECT $1::text, $2::bigint, $2::bigint FROM lock
      ${streamGuard}
    ),
    runs AS (
      INSERT INTO ${t.writerRuns} (persistence_id, first_sequence_nr, writer_uuid)
      SELECT $1::text, $2::bigint, $3::text FROM advanced WHERE $3::text IS NOT NULL
    )`;
  const insert = `INSERT INTO ${t.journal} (${columns})
    SELECT $1::text, $2::bigint, $3::text, $4::bigint, $5::integer, $6::text, $7::bytea, $8::text[],
      $9::integer, $10::text, $11::smallint, $12::text, $13::bytea
    FROM advanced`;
  const refused = `SELECT $1::text WHERE NOT EXISTS (SELECT 1 FROM advanced)`;
  return {
    insertOne: named(`WITH ${advance}, inserted AS (${insert}) ${refused}`),
    insertOneTagged: named(`WITH ${advance},
      inserted AS (${insert} RETURNING tx_id, ordering),
      tagged AS (
        INSERT INTO ${t.tags} (tag, tx_id, ordering, persistence_id, sequence_nr)
        SELECT DISTINCT tag, i.tx_id, i.ordering, $1::text, $2::bigint
        FROM inserted i CROSS JOIN unnest($8::text[]) AS tagged(tag)
      )
      ${refused}`),
  };
}

/**
 * Names a statement after a hash of its text: the same text gets the same name on every
 * connection, and stores with other tables sharing a pool get other names.
 */
export function named(text: string): NamedStatement {
  return { name: `engram_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text };
}

/**
 * Replay rows, shaped by what the driver costs per row: it turns every column of every row into a
 * string and then a value, which (measured) cost more than anything else in a replay, a null
 * column included. So a row has two columns. The first is one text,
 * `<sequence_nr> <write_timestamp> <type_id> <payload_text>`, taken apart in JavaScript (the
 * payload is the rest after the third space; empty for binary payloads). The second is one JSON
 * value that is null unless the row has something rare: a binary payload, tags, metadata, the
 * writer uuid (where a run starts, and on the first row, from `writer_run`: the run may have
 * started before `$2`, or its first row may be deleted) or a type the reader does not know yet.
 */
function replayQuery(t: Tables): string {
  const firstRow = `j.sequence_nr = (SELECT min(f.sequence_nr) FROM ${t.journal} f WHERE f.persistence_id = $1 AND f.sequence_nr >= $2)`;
  const writerOfFirstRow = `(SELECT r.writer_uuid FROM ${t.writerRuns} r
    WHERE r.persistence_id = $1 AND r.first_sequence_nr <= j.sequence_nr ORDER BY r.first_sequence_nr DESC LIMIT 1)`;
  const unknownType = `j.type_id <> ALL ($5::integer[])`;
  const typeOfRow = `(SELECT json_build_array(e.serializer_id, e.manifest, e.payload_kind) FROM ${t.eventTypes} e WHERE e.id = j.type_id)`;
  return `SELECT j.sequence_nr || ' ' || j.write_timestamp || ' ' || j.type_id || ' ' || coalesce(j.payload_text, ''),
      CASE WHEN j.payload_text IS NULL OR j.tags IS NOT NULL OR j.meta_serializer_id IS NOT NULL
          OR j.writer_uuid IS NOT NULL OR ${firstRow} OR ${unknownType}
        THEN json_build_array(encode(j.payload_bytes, 'hex'), j.tags, ${metadataColumn('j')},
          CASE WHEN j.writer_uuid IS NOT NULL THEN j.writer_uuid WHEN ${firstRow} THEN ${writerOfFirstRow} END,
          CASE WHEN ${unknownType} THEN ${typeOfRow} END, j.payload_text IS NULL) END
    FROM ${t.journal} j
    WHERE j.persistence_id = $1 AND j.sequence_nr >= $2 AND j.sequence_nr <= $3
    ORDER BY j.sequence_nr
    LIMIT $4`;
}
