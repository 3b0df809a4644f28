import type { Tables } from '../database/index.js';
import { named, type NamedStatement } from './journalStatements.js';

/** The SQL of `PostgresJournal.replayForRecovery`, built once per store. */
export interface RecoveryStatements {
  /**
   * The first page of a recovery in one statement: the rows of `replay` (same parameters, `$4`
   * the page's limit), and one more row `[null, <highest sequence nr as JSON, 0 when none>]`.
   * One statement reads one snapshot, so no replayed event lies above the highest it returns.
   * The highest row may come anywhere among the others: a reader tells it by its null first column.
   */
  readonly firstPage: NamedStatement;
}

/** `replay` is the journal's replay query (`JournalStatements.replay`), whose rows the first page shares. */
export function recoveryStatements(t: Tables, replay: string): RecoveryStatements {
  const highest = `SELECT NULL::text, to_json(coalesce(
      (SELECT s.highest_sequence_nr FROM ${t.streams} s WHERE s.persistence_id = $1), 0))`;
  return { firstPage: named(`${highest} UNION ALL (${replay})`) };
}
