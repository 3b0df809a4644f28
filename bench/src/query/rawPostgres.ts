import pg from 'pg';
import Cursor from 'pg-cursor';
import { accountTag, depositAmount } from './accountLog.js';
import type { Rate } from './rates.js';

/** How a raw read pages: one cursor in one transaction, or one keyset query per page (what a live reader must do). */
export type RawPaging = 'cursor' | 'keyset';

const int8 = 20;
const parseNumber = (value: string): number => Number(value);
/** bigint columns as JavaScript numbers (xid8 stays text): what a developer sets once on `pg`. */
const numberTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8 ? parseNumber : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** Quoted table names of an Engram journal in `schema` with the default prefix. */
export function engramTables(schema: string): { journal: string; tags: string } {
  return { journal: `"${schema}"."engram_journal"`, tags: `"${schema}"."engram_event_tag"` };
}

/**
 * The raw `pg` side of the PostgreSQL figures, on the journal's own tables: the same rows read
 * with the driver alone (the tag index range joined to the journal, the columns an envelope is
 * made of, JSON.parse of every payload), and the same projection written as a plain loop.
 */
export class RawPostgres {
  private readonly tables: { journal: string; tags: string };

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {
    this.tables = engramTables(schema);
  }

  /**
   * The tag's index range, each event found by its primary key. (Joined on (tx_id, ordering)
   * instead, the planner picks a hash or merge join over the whole journal for a keyset page deep
   * in the log: every page then costs a scan of the journal.)
   */
  private selectTagged(keyset: boolean): string {
    const { journal, tags } = this.tables;
    return `SELECT g.tx_id, g.ordering, j.persistence_id, j.sequence_nr, j.write_timestamp, j.type_id, j.payload_text, j.tags, j.writer_uuid
      FROM ${tags} g JOIN ${journal} j ON j.persistence_id = g.persistence_id AND j.sequence_nr = g.sequence_nr
      WHERE g.tag = $1 ${keyset ? 'AND (g.tx_id, g.ordering) > ($2::xid8, $3::bigint)' : ''}
      ORDER BY g.tx_id, g.ordering${keyset ? ' LIMIT $4' : ''}`;
  }

  /** Every event tagged `account` in global order, `pageSize` rows per round trip. */
  async tagScan(paging: RawPaging, pageSize: number): Promise<Rate> {
    const client = await this.pool.connect();
    try {
      const start = performance.now();
      let count = 0;
      let sum = 0;
      const use = (rows: readonly unknown[][]) => {
        for (const row of rows) sum += (JSON.parse(row[6] as string) as { amount: number }).amount;
        count += rows.length;
      };
      if (paging === 'cursor') {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const cursor = client.query(new Cursor<unknown[]>(this.selectTagged(false), [accountTag], { rowMode: 'array', types: numberTypes }));
        for (;;) {
          const rows = await cursor.read(pageSize);
          use(rows);
          if (rows.length < pageSize) break;
        }
        await cursor.close();
        await client.query('COMMIT');
      } else {
        const text = this.selectTagged(true);
        let after: [string, number] = ['0', 0];
        for (;;) {
          const { rows } = await client.query<unknown[]>({ text, values: [accountTag, after[0], after[1], pageSize], rowMode: 'array', types: numberTypes });
          use(rows);
          const last = rows[rows.length - 1];
          if (last !== undefined) after = [last[0] as string, last[1] as number];
          if (rows.length < pageSize) break;
        }
      }
      const seconds = (performance.now() - start) / 1000;
      if (sum !== count * depositAmount) throw new Error('raw PostgreSQL tag scan: the payloads do not add up');
      return { count, seconds };
    } finally {
      client.release();
    }
  }

  /** Creates (empty) the raw projection's summary and offset tables. */
  async prepareProjection(): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS "${this.schema}".raw_summary, "${this.schema}".raw_offset`);
    await this.pool.query(`CREATE TABLE "${this.schema}".raw_summary (persistence_id text NOT NULL, sequence_nr bigint NOT NULL, amount bigint NOT NULL, PRIMARY KEY (persistence_id, sequence_nr))`);
    await this.pool.query(`CREATE TABLE "${this.schema}".raw_offset (name text PRIMARY KEY, tx_id xid8 NOT NULL, ordering bigint NOT NULL)`);
    await this.pool.query(`INSERT INTO "${this.schema}".raw_offset VALUES ('raw', '0', 0)`);
  }

  /**
   * The raw projection: read a keyset page of `pageSize` events by tag, then one transaction that
   * upserts the page's summary rows in one statement (`unnest` of the page's columns) and moves
   * the offset with a compare-and-set; `pageSize` 1 is one event per transaction.
   */
  async projectPages(events: number, pageSize: number): Promise<Rate> {
    await this.prepareProjection();
    const client = await this.pool.connect();
    const text = this.selectTagged(true);
    const upsert = summaryUpsert(`"${this.schema}".raw_summary`);
    const move = `UPDATE "${this.schema}".raw_offset SET tx_id = $1::xid8, ordering = $2 WHERE name = 'raw' AND tx_id = $3::xid8 AND ordering = $4`;
    try {
      const start = performance.now();
      let after: [string, number] = ['0', 0];
      let count = 0;
      while (count < events) {
        const { rows } = await client.query<unknown[]>({
          text,
          values: [accountTag, after[0], after[1], Math.min(pageSize, events - count)],
          rowMode: 'array',
          types: numberTypes,
        });
        const last = rows[rows.length - 1];
        if (last === undefined) break;
        const ids: string[] = [];
        const seqs: number[] = [];
        const amounts: number[] = [];
        for (const row of rows) {
          ids.push(row[2] as string);
          seqs.push(row[3] as number);
          amounts.push((JSON.parse(row[6] as string) as { amount: number }).amount);
        }
        await client.query('BEGIN');
        try {
          await client.query(upsert, [ids, seqs, amounts]);
          const moved = await client.query(move, [last[0], last[1], after[0], after[1]]);
          if (moved.rowCount !== 1) throw new Error('raw projection: the offset moved under it');
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        after = [last[0] as string, last[1] as number];
        count += rows.length;
      }
      const seconds = (performance.now() - start) / 1000;
      const stored = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${this.schema}".raw_summary`);
      if (Number(stored.rows[0]?.n) !== count) throw new Error(`raw projection: ${stored.rows[0]?.n} summary rows for ${count} events`);
      return { count, seconds };
    } finally {
      client.release();
    }
  }
}

/** One statement upserting a summary row per event: parameters are the ids, sequence nrs and amounts as arrays. */
export function summaryUpsert(table: string): string {
  return `INSERT INTO ${table} (persistence_id, sequence_nr, amount)
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
    ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET amount = excluded.amount`;
}
