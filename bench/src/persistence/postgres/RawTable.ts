import pg from 'pg';
import Cursor from 'pg-cursor';
import type { BenchEvent } from '../../sqlite/workload.js';
import type { BenchSchemas } from './BenchSchemas.js';

/** One multi-row INSERT's parameters, built before the clock starts. */
export type Statement = readonly unknown[];

export interface ReadFigure {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/** What a raw cursor read fetches: the sequence nr and payload only, or every field a repr needs. */
export type RawColumns = 'seq + payload' | 'all fields';

const parseInt8 = (value: string): number => Number(value);
/** bigint as a JavaScript number, as the store reads it. */
const numberTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? parseInt8 : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * The raw driver's baseline: the naive event table a developer would write with `pg` alone,
 * keyed by (persistence_id, sequence_nr), text payload, written with multi-row
 * `INSERT ... VALUES` (autocommit, one statement per transaction) and read back with a cursor.
 */
export class RawTable {
  private readonly sqlByRows = new Map<number, string>();

  private constructor(
    private readonly pool: pg.Pool,
    readonly schema: string,
  ) {}

  static async create(schemas: BenchSchemas, label: string): Promise<RawTable> {
    const schema = await schemas.fresh(label);
    await schemas.admin.query(
      `CREATE TABLE "${schema}".events (persistence_id text NOT NULL, sequence_nr bigint NOT NULL,
        writer_uuid text NOT NULL, write_timestamp bigint NOT NULL, manifest text NOT NULL, payload text NOT NULL,
        PRIMARY KEY (persistence_id, sequence_nr))`,
    );
    return new RawTable(schemas.admin, schema);
  }

  /** The table of an earlier `create`, in `schema`, used through `pool`. */
  static existing(pool: pg.Pool, schema: string): RawTable {
    return new RawTable(pool, schema);
  }

  /** Parameters of one statement inserting `events`. */
  static statement(events: readonly BenchEvent[]): Statement {
    const values: unknown[] = [];
    for (const e of events) values.push(e.persistenceId, e.sequenceNr, e.writerUuid, e.timestamp, e.manifest, e.payload);
    return values;
  }

  /**
   * Runs the statements in order over `connections` connections (each takes the next statement
   * when its last one committed) and returns rows per second.
   */
  async insert(statements: readonly Statement[], connections: number): Promise<number> {
    const clients = await Promise.all(Array.from({ length: connections }, () => this.pool.connect()));
    let next = 0;
    let rows = 0;
    const start = performance.now();
    try {
      await Promise.all(
        clients.map(async (client) => {
          while (next < statements.length) {
            const values = statements[next++]!;
            rows += values.length / 6;
            await client.query(this.sql(values.length / 6), values as unknown[]);
          }
        }),
      );
    } finally {
      for (const client of clients) client.release();
    }
    return rows / ((performance.now() - start) / 1000);
  }

  /** Writes statements made on demand by `next` (undefined when done) on `connections` connections, untimed. */
  async fill(next: () => readonly BenchEvent[] | undefined, connections: number): Promise<void> {
    const clients = await Promise.all(Array.from({ length: connections }, () => this.pool.connect()));
    try {
      await Promise.all(
        clients.map(async (client) => {
          for (let events = next(); events !== undefined; events = next()) {
            await client.query(this.sql(events.length), RawTable.statement(events) as unknown[]);
          }
        }),
      );
    } finally {
      for (const client of clients) client.release();
    }
  }

  /** Reads every event of `persistenceId` in order through a cursor, `pageSize` rows per round trip, with JSON.parse of each payload. */
  async cursorRead(persistenceId: string, columns: RawColumns, pageSize: number): Promise<ReadFigure> {
    const select =
      columns === 'seq + payload' ? 'sequence_nr, payload' : 'sequence_nr, writer_uuid, write_timestamp, manifest, payload';
    const payloadIndex = columns === 'seq + payload' ? 1 : 4;
    const client = await this.pool.connect();
    try {
      const start = performance.now();
      const cursor = client.query(
        new Cursor<unknown[]>(
          `SELECT ${select} FROM "${this.schema}".events WHERE persistence_id = $1 ORDER BY sequence_nr`,
          [persistenceId],
          { rowMode: 'array', types: numberTypes },
        ),
      );
      let rows = 0;
      let checksum = 0;
      for (;;) {
        const page = await cursor.read(pageSize);
        for (const row of page) checksum += (JSON.parse(row[payloadIndex] as string) as { amount: number }).amount;
        rows += page.length;
        if (page.length < pageSize) break;
      }
      await cursor.close();
      const seconds = (performance.now() - start) / 1000;
      if (checksum !== rows * 100) throw new Error(`raw read of ${persistenceId}: payloads do not add up`);
      return { rows, seconds, rowsPerSecond: rows / seconds };
    } finally {
      client.release();
    }
  }

  private sql(rows: number): string {
    let sql = this.sqlByRows.get(rows);
    if (sql === undefined) {
      const tuples = Array.from({ length: rows }, (_, i) => {
        const p = i * 6;
        return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6})`;
      });
      sql = `INSERT INTO "${this.schema}".events (persistence_id, sequence_nr, writer_uuid, write_timestamp, manifest, payload) VALUES ${tuples.join(', ')}`;
      this.sqlByRows.set(rows, sql);
    }
    return sql;
  }
}
