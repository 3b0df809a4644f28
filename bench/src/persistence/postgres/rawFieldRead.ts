import type pg from 'pg';
import type { ReadFigure } from './RawTable.js';

/**
 * The field case's baseline on PostgreSQL: every stream of a journal read by the raw `pg` driver
 * straight from the journal's own table (the default table prefix), one statement per stream (sequence nr and payload text,
 * in sequence nr order), `concurrency` streams at a time on `pool`, `JSON.parse` of every payload.
 * The same rows in the same heap pages as Engram's recovery of every actor, without its snapshot
 * lookup, its other columns or the actors.
 */
export async function rawFieldRead(pool: pg.Pool, schema: string, ids: readonly string[], concurrency: number): Promise<ReadFigure> {
  const text = `SELECT sequence_nr, payload_text FROM "${schema}".engram_journal WHERE persistence_id = $1 ORDER BY sequence_nr`;
  let next = 0;
  let rows = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const result = await pool.query<[number, string]>({ name: 'raw_field_read', text, values: [id], rowMode: 'array' });
      for (const [, payload] of result.rows) {
        JSON.parse(payload);
        rows++;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { rows, seconds, rowsPerSecond: rows / seconds };
}
