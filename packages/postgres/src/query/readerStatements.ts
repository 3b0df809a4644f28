import type { Tables } from '../database/index.js';
import { metadataColumn, named, type NamedStatement } from '../journal/journalStatements.js';
import type { MetadataValue } from '../journal/reprOf.js';
import { changeMarkerQuery, horizonQuery } from './Horizons.js';

/** The query side's SQL, built once per reader from its (validated, quoted) table names. */
export interface ReaderStatements {
  /** One row: the horizon as text (see `horizonQuery`). */
  readonly horizon: NamedStatement;
  /** One row: the change marker as text (see `changeMarkerQuery`). */
  readonly changeMarker: NamedStatement;
  /** One row: `pg_snapshot_xmax` as text, above every transaction that had ended. */
  readonly ceiling: NamedStatement;
  /** `EventRow`s with `(tx_id, ordering)` in ($1, $2) .. ($3, $4] (exclusive, inclusive), in order, at most $5. */
  readonly events: NamedStatement;
  /** The same for the events carrying tag $6, from the tag index. */
  readonly eventsByTag: NamedStatement;
  /** `EventRow`s of id $1 with $2 <= sequence nr <= $3, ascending, at most $4. */
  readonly eventsByPersistenceId: NamedStatement;
  readonly highestSequenceNr: NamedStatement;
  /** The first $1 ids in byte order. */
  readonly firstPersistenceIds: NamedStatement;
  /** The next $2 ids in byte order after $1. */
  readonly persistenceIdsAfter: NamedStatement;
}

/** What the event statements return per row. */
export type EventRow = [
  txId: bigint,
  ordering: number,
  persistenceId: string,
  sequenceNr: number,
  timestamp: number,
  serializerId: number,
  manifest: string,
  kind: number,
  payloadText: string | null,
  payloadBytes: Uint8Array | null,
  tags: string[] | null,
  metadata: MetadataValue | null,
  writerUuid: string | null,
];

export function readerStatements(t: Tables): ReaderStatements {
  return {
    horizon: named(horizonQuery(t)),
    changeMarker: named(changeMarkerQuery(t)),
    ceiling: named(`SELECT pg_snapshot_xmax(pg_current_snapshot())::text`),
    events: named(`SELECT j.tx_id, j.ordering, j.persistence_id, ${eventColumns(t)}
      FROM ${t.journal} j JOIN ${t.eventTypes} et ON et.id = j.type_id
      WHERE (j.tx_id, j.ordering) > ($1::xid8, $2::bigint) AND (j.tx_id, j.ordering) <= ($3::xid8, $4::bigint)
      ORDER BY j.tx_id, j.ordering
      LIMIT $5`),
    /*
     * The page of tag rows first (one index range, LIMIT), then each event by its primary key: a
     * join on (tx_id, ordering) let the planner pick a parallel merge join that scanned the journal
     * from its start on every page (bench/README.md, Read side).
     */
    eventsByTag: named(`WITH page AS MATERIALIZED (
        SELECT g.tx_id, g.ordering, g.persistence_id, g.sequence_nr FROM ${t.tags} g
        WHERE g.tag = $6 AND (g.tx_id, g.ordering) > ($1::xid8, $2::bigint) AND (g.tx_id, g.ordering) <= ($3::xid8, $4::bigint)
        ORDER BY g.tx_id, g.ordering
        LIMIT $5
      )
      SELECT p.tx_id, p.ordering, p.persistence_id, ${eventColumns(t)}
      FROM page p
        CROSS JOIN LATERAL (SELECT * FROM ${t.journal} j1
          WHERE j1.persistence_id = p.persistence_id AND j1.sequence_nr = p.sequence_nr) j
        JOIN ${t.eventTypes} et ON et.id = j.type_id
      ORDER BY p.tx_id, p.ordering`),
    eventsByPersistenceId: named(`SELECT j.tx_id, j.ordering, j.persistence_id, ${eventColumns(t)}
      FROM ${t.journal} j JOIN ${t.eventTypes} et ON et.id = j.type_id
      WHERE j.persistence_id = $1 AND j.sequence_nr >= $2 AND j.sequence_nr <= $3
      ORDER BY j.sequence_nr
      LIMIT $4`),
    highestSequenceNr: named(`SELECT highest_sequence_nr FROM ${t.streams} WHERE persistence_id = $1`),
    firstPersistenceIds: named(`SELECT persistence_id FROM ${t.streams}
      ORDER BY persistence_id COLLATE "C" LIMIT $1`),
    persistenceIdsAfter: named(`SELECT persistence_id FROM ${t.streams}
      WHERE persistence_id COLLATE "C" > $1 ORDER BY persistence_id COLLATE "C" LIMIT $2`),
  };
}

/**
 * The event columns, the type resolved and the writer looked up: rows here come from any number
 * of ids and writers, so the replay's carry-over from row to row does not apply.
 */
function eventColumns(t: Tables): string {
  return `j.sequence_nr, j.write_timestamp, et.serializer_id, et.manifest, et.payload_kind, j.payload_text,
    j.payload_bytes, j.tags, ${metadataColumn('j')},
    coalesce(j.writer_uuid, (SELECT r.writer_uuid FROM ${t.writerRuns} r
      WHERE r.persistence_id = j.persistence_id AND r.first_sequence_nr <= j.sequence_nr
      ORDER BY r.first_sequence_nr DESC LIMIT 1))`;
}
