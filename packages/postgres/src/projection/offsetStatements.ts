import type { Tables } from '../database/index.js';
import { named, type NamedStatement } from '../journal/journalStatements.js';

/** The offset store's SQL, built once per store from its (validated, quoted) table names. */
export interface OffsetStatements {
  /** `offset`, `paused` of ($1 name, $2 key); no row when nothing is stored. */
  readonly read: NamedStatement;
  /** Sets ($1, $2)'s offset to $4 where it is $3 (null: none); the row count says whether it did. */
  readonly update: NamedStatement;
  /** Adds ($1, $2) with offset $3 unless a row exists (then no row is counted). */
  readonly insert: NamedStatement;
  /** Sets ($1, $2)'s paused flag to $3, adding the row when missing. */
  readonly savePaused: NamedStatement;
}

export function offsetStatements(t: Tables): OffsetStatements {
  return {
    read: named(`SELECT "offset", paused FROM ${t.projectionOffsets} WHERE name = $1 AND key = $2`),
    // An UPDATE that waits for a concurrent one re-checks the WHERE on the row it committed, so
    // of two instances only one can move the offset from the same `expected`.
    update: named(`UPDATE ${t.projectionOffsets} SET "offset" = $4, updated_at = now()
      WHERE name = $1 AND key = $2 AND "offset" IS NOT DISTINCT FROM $3::text`),
    insert: named(`INSERT INTO ${t.projectionOffsets} (name, key, "offset") VALUES ($1, $2, $3)
      ON CONFLICT (name, key) DO NOTHING`),
    savePaused: named(`INSERT INTO ${t.projectionOffsets} AS p (name, key, paused) VALUES ($1, $2, $3)
      ON CONFLICT (name, key) DO UPDATE SET paused = EXCLUDED.paused, updated_at = now()`),
  };
}
