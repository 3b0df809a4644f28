import type { PersistentRepr } from '@engram/core/spi';
import type { PayloadKind } from '../codec/index.js';
import { typeParsers, type StoreContext, type Tables } from '../database/index.js';
import { metadataColumn } from '../journal/journalStatements.js';
import { reprOf, type MetadataValue } from '../journal/reprOf.js';

/**
 * A position in the global order: the writing transaction's id, then the row's `ordering`.
 * Resuming "after" an offset is exclusive.
 */
export interface GlobalOffset {
  readonly txId: bigint;
  readonly ordering: bigint;
}

/** Before the first event. */
export const startOfJournal: GlobalOffset = { txId: 0n, ordering: 0n };

export interface GlobalEvent {
  readonly offset: GlobalOffset;
  readonly event: PersistentRepr;
}

export interface GlobalOrderQuery {
  readonly after: GlobalOffset;
  /** Only events carrying this tag; all events when absent. */
  readonly tag?: string;
  readonly limit: number;
  /**
   * Read nothing from transactions at or above this id, e.g. a `horizon` returned earlier, so a
   * "current" query does not chase events written after it started.
   */
  readonly below?: bigint;
}

export interface GlobalPage {
  /** Up to `limit` events after `after`, in global order. */
  readonly events: readonly GlobalEvent[];
  /**
   * The oldest transaction still running when the page was read (`pg_snapshot_xmin`), or `below`
   * when lower. Every event of a lower transaction id is committed and was readable; events of a
   * transaction at or above it were not returned, whether committed yet or not. So a reader that
   * resumes from its last offset never skips an event that commits late.
   */
  readonly horizon: bigint;
}

type GlobalRow = [
  horizon: bigint,
  txId: bigint | null,
  ordering: number | null,
  persistenceId: string | null,
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

/**
 * Reads events in global order, (tx_id, ordering), below the snapshot's horizon: the building
 * block for `eventsByTag`, `currentEventsByTag` and projections. Internal: not exported from the
 * package root.
 */
export async function readEventsByGlobalOrder(
  context: StoreContext,
  query: GlobalOrderQuery,
): Promise<GlobalPage> {
  if (!Number.isSafeInteger(query.limit) || query.limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${query.limit}`);
  }
  await context.ensureReady('readEventsByGlobalOrder', []);
  const text = query.tag === undefined ? untaggedQuery(context.tables) : taggedQuery(context.tables);
  const values: unknown[] = [
    query.after.txId.toString(),
    query.after.ordering.toString(),
    query.below === undefined ? null : query.below.toString(),
    query.limit,
  ];
  if (query.tag !== undefined) values.push(query.tag);
  return context.db.withClient('readEventsByGlobalOrder', [], async (client) => {
    const { rows } = await client.query<GlobalRow>({ text, values, rowMode: 'array', types: typeParsers });
    // The query always returns the horizon row, with the event columns null when there is none.
    const read = rows[0]?.[0];
    if (read === undefined) throw new Error('the global-order query returned no horizon row');
    const horizon = query.below !== undefined && query.below < read ? query.below : read;
    const events: GlobalEvent[] = [];
    for (const row of rows) {
      const [, txId, ordering, pid, seq, timestamp, serializerId, manifest, kind, text, bytes, tags, metadata, writer] = row;
      if (txId === null || ordering === null || pid === null) continue;
      if (writer === null) throw new Error(`stored event ${seq} of ${JSON.stringify(pid)} has no writer run`);
      const type = { serializerId, manifest, kind: kind as PayloadKind };
      events.push({
        offset: { txId, ordering: BigInt(ordering) },
        event: reprOf(pid, seq, writer, timestamp, type, text, bytes, tags, metadata),
      });
    }
    return { events, horizon };
  });
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

function untaggedQuery(t: Tables): string {
  return `SELECT h.horizon, e.* FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) h
    LEFT JOIN LATERAL (
      SELECT j.tx_id, j.ordering, j.persistence_id, ${eventColumns(t)}
      FROM ${t.journal} j JOIN ${t.eventTypes} et ON et.id = j.type_id
      WHERE (j.tx_id, j.ordering) > ($1::xid8, $2::bigint) AND j.tx_id < least(h.horizon, $3::xid8)
      ORDER BY j.tx_id, j.ordering
      LIMIT $4
    ) e ON true`;
}

function taggedQuery(t: Tables): string {
  return `SELECT h.horizon, e.* FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) h
    LEFT JOIN LATERAL (
      SELECT j.tx_id, j.ordering, j.persistence_id, ${eventColumns(t)}
      FROM ${t.tags} g JOIN ${t.journal} j ON j.tx_id = g.tx_id AND j.ordering = g.ordering
        JOIN ${t.eventTypes} et ON et.id = j.type_id
      WHERE g.tag = $5 AND (g.tx_id, g.ordering) > ($1::xid8, $2::bigint)
        AND g.tx_id < least(h.horizon, $3::xid8)
      ORDER BY g.tx_id, g.ordering
      LIMIT $4
    ) e ON true`;
}
