import Database from 'better-sqlite3';
import { accountTag, depositAmount } from './accountLog.js';
import type { Rate } from './rates.js';

/** What a raw read selects: the global position and the payload only, or the columns the reader's page selects. */
export type RawSqliteColumns = 'ordering + payload' | 'reader columns';

/**
 * The raw driver's side of the SQLite figures: bare better-sqlite3 on the journal's own file, as a
 * developer would read and project the same rows without Engram (its own connection, WAL, the
 * driver's defaults otherwise).
 */
export class RawSqlite {
  readonly db: Database.Database;
  private readonly tagId: number;

  constructor(path: string) {
    this.db = new Database(path, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    const tagId = this.db.prepare<[string], number>('SELECT id FROM tags WHERE name = ?').pluck(true).get(accountTag);
    if (tagId === undefined) throw new Error(`the journal at ${path} has no events tagged ${accountTag}`);
    this.tagId = tagId;
  }

  /**
   * Every event tagged `account` in global order, one `iterate()` over the same join as the
   * reader's page (the tag's index range, then each event by rowid), with JSON.parse of every
   * payload: the reader's columns, or only the ordering and the payload.
   */
  tagScan(columns: RawSqliteColumns): Rate {
    const select =
      columns === 'ordering + payload'
        ? 'e.ordering, e.payload'
        : `e.seq_nr, e.writer_id, e.timestamp, e.serializer_id, e.manifest_id, e.payload, e.tags,
           e.meta_serializer_id, e.meta_manifest, e.meta_payload, e.ordering, e.stream_id`;
    const payloadIndex = columns === 'ordering + payload' ? 1 : 5;
    const statement = this.db
      .prepare<[number, number], unknown[]>(
        `SELECT ${select} FROM event_tags t JOIN events e ON e.ordering = t.ordering
          WHERE t.tag_id = ? AND t.ordering > ? ORDER BY t.ordering`,
      )
      .raw(true);
    const start = performance.now();
    let count = 0;
    let sum = 0;
    for (const row of statement.iterate(this.tagId, 0)) {
      sum += (JSON.parse(row[payloadIndex] as string) as { amount: number }).amount;
      count++;
    }
    const seconds = (performance.now() - start) / 1000;
    if (sum !== count * depositAmount) throw new Error('raw SQLite tag scan: the payloads do not add up');
    return { count, seconds };
  }

  /**
   * The raw projection: read a page of `pageSize` events by tag (keyset on the ordering), then in
   * one transaction upsert one summary row per event and store the page's last ordering as the
   * offset, until `events` events are projected.
   */
  projectPages(events: number, pageSize: number): Rate {
    this.db.exec(`DROP TABLE IF EXISTS raw_summary; DROP TABLE IF EXISTS raw_offset;
      CREATE TABLE raw_summary (persistence_id TEXT NOT NULL, seq_nr INTEGER NOT NULL, amount INTEGER NOT NULL, PRIMARY KEY (persistence_id, seq_nr));
      CREATE TABLE raw_offset (name TEXT PRIMARY KEY, ordering INTEGER NOT NULL);
      INSERT INTO raw_offset VALUES ('raw', 0);`);
    const page = this.db
      .prepare<[number, number, number], unknown[]>(
        `SELECT e.ordering, s.persistence_id, e.seq_nr, e.payload FROM event_tags t
          JOIN events e ON e.ordering = t.ordering JOIN streams s ON s.id = e.stream_id
          WHERE t.tag_id = ? AND t.ordering > ? ORDER BY t.ordering LIMIT ?`,
      )
      .raw(true);
    const upsert = this.db.prepare(
      `INSERT INTO raw_summary (persistence_id, seq_nr, amount) VALUES (?, ?, ?)
        ON CONFLICT (persistence_id, seq_nr) DO UPDATE SET amount = excluded.amount`,
    );
    const saveOffset = this.db.prepare(`UPDATE raw_offset SET ordering = ? WHERE name = 'raw' AND ordering = ?`);
    const apply = this.db.transaction((rows: unknown[][], from: number) => {
      for (const row of rows) {
        const event = JSON.parse(row[3] as string) as { amount: number };
        upsert.run(row[1], row[2], event.amount);
      }
      const to = rows[rows.length - 1]![0] as number;
      if (saveOffset.run(to, from).changes !== 1) throw new Error('raw projection: the offset moved under it');
      return to;
    });
    const start = performance.now();
    let offset = 0;
    let count = 0;
    while (count < events) {
      const rows = page.all(this.tagId, offset, Math.min(pageSize, events - count));
      if (rows.length === 0) break;
      offset = apply.immediate(rows, offset);
      count += rows.length;
    }
    const seconds = (performance.now() - start) / 1000;
    const stored = this.db.prepare<[], number>('SELECT count(*) FROM raw_summary').pluck(true).get();
    if (stored !== count) throw new Error(`raw projection: ${stored} summary rows for ${count} events`);
    return { count, seconds };
  }

  close(): void {
    this.db.close();
  }
}
