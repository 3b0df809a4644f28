import type { Tables } from '../database/index.js';
import { named, type NamedStatement } from '../journal/journalStatements.js';

export interface SnapshotStatements {
  /** Named: loaded once per actor start, so each connection plans it once. */
  readonly load: NamedStatement;
  readonly save: NamedStatement;
  readonly deleteOne: string;
  readonly deleteMatching: string;
}

export function snapshotStatements(t: Tables): SnapshotStatements {
  const matching = `persistence_id = $1 AND sequence_nr BETWEEN $2 AND $3 AND write_timestamp BETWEEN $4 AND $5`;
  return {
    load: named(`SELECT sequence_nr, write_timestamp, serializer_id, manifest, payload_kind, payload_text, payload_bytes
      FROM ${t.snapshots} WHERE ${matching}
      ORDER BY sequence_nr DESC, write_timestamp DESC LIMIT 1`),
    save: named(`INSERT INTO ${t.snapshots} (persistence_id, sequence_nr, write_timestamp, serializer_id, manifest,
        payload_kind, payload_text, payload_bytes)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET write_timestamp = EXCLUDED.write_timestamp,
        serializer_id = EXCLUDED.serializer_id, manifest = EXCLUDED.manifest,
        payload_kind = EXCLUDED.payload_kind, payload_text = EXCLUDED.payload_text,
        payload_bytes = EXCLUDED.payload_bytes`),
    deleteOne: `DELETE FROM ${t.snapshots}
      WHERE persistence_id = $1 AND sequence_nr = $2 AND ($3::bigint = 0 OR write_timestamp = $3)`,
    deleteMatching: `DELETE FROM ${t.snapshots} WHERE ${matching}`,
  };
}
