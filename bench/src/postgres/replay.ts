/**
 * Replay (recovery) throughput of PostgresJournal for one id with 1,000,000 events, next to the
 * raw driver doing the same cursor read and JSON.parse in the same run, plus the payload column
 * types and page sizes it was chosen by.
 *
 *   npm run build && node --expose-gc bench/dist/postgres/replay.js [events] [runs]
 *
 * The first event is written through the journal (its type, stream and writer run rows); the rest
 * server-side (generate_series) in the store's own table, as the journal stores a run of one
 * writer, so setup takes seconds. The figures are events per second with JSON.parse of every
 * payload, median of interleaved runs.
 */
import { PostgresJournal } from '@engram/postgres';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { adminPool, dropSchemas, eventOf, fmt, pct, perSecond, postgresUrl, schemaName } from './common.js';

const events = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);
const pid = 'Account|replayed';
const admin = adminPool();
const schema = schemaName('replay');

interface Outcome {
  readonly rate: number;
  /** Peak resident-set growth during the run, MiB. */
  readonly peakMiB: number;
}

/** Runs `read` (which calls `tick` once per event), timing it and sampling memory. */
async function measure(read: (tick: () => void) => Promise<number>): Promise<Outcome> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  let seen = 0;
  const tick = (): void => {
    if (++seen % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  };
  const start = performance.now();
  const count = await read(tick);
  const rate = perSecond(count, performance.now() - start);
  if (count !== events) throw new Error(`read ${count} events, expected ${events}`);
  return { rate, peakMiB: (peak - before) / 1024 / 1024 };
}

/** A raw pg-cursor read of `sql`, `pageSize` rows per round trip, handing each row to `onRow`. */
async function rawCursor<Row>(
  client: pg.PoolClient,
  sql: string,
  pageSize: number,
  config: Cursor.CursorQueryConfig,
  onRow: (row: Row) => void,
): Promise<number> {
  const cursor = client.query(new Cursor<Row>(sql, [pid], config));
  let count = 0;
  for (;;) {
    const rows = await cursor.read(pageSize);
    for (const row of rows) onRow(row);
    count += rows.length;
    if (rows.length < pageSize) break;
  }
  await cursor.close();
  return count;
}

const parseInt8 = (value: string): number => Number(value);
const storeTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? parseInt8 : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

async function main(): Promise<void> {
  const journal = new PostgresJournal({ connectionString: postgresUrl, schema });
  await journal.migrate();
  console.log(`filling ${events.toLocaleString('en-US')} events of one id (server-side) ...`);
  const [first] = await journal.writeMessages([{ persistenceId: pid, events: [eventOf(pid, 1)] }]);
  if (first !== undefined) throw first;
  // Events 2.. continue the first one's writer run: no writer uuid of their own.
  await admin.query(
    `INSERT INTO "${schema}".engram_journal (persistence_id, sequence_nr, write_timestamp, type_id, payload_text)
     SELECT $1, g, 1700000000000 + g, (SELECT type_id FROM "${schema}".engram_journal WHERE persistence_id = $1),
       format('{"type":"Deposited","account":"%s","seq":%s,"amount":100,"note":"%s"}', $1::text, g,
         repeat('x', 131 - length(format('{"type":"Deposited","account":"%s","seq":%s,"amount":100,"note":""}', $1::text, g))))
     FROM generate_series(2, $2::int) AS g`,
    [pid, events],
  );
  await admin.query(`UPDATE "${schema}".engram_stream SET highest_sequence_nr = $2 WHERE persistence_id = $1`, [pid, events]);
  for (const type of ['jsonb', 'bytea'] as const) {
    const convert = type === 'jsonb' ? 'payload_text::jsonb' : "convert_to(payload_text, 'UTF8')";
    await admin.query(
      `CREATE TABLE "${schema}".raw_${type} AS SELECT persistence_id, sequence_nr, ${convert} AS payload
       FROM "${schema}".engram_journal;
       ALTER TABLE "${schema}".raw_${type} ADD PRIMARY KEY (persistence_id, sequence_nr)`,
    );
  }
  for (const table of ['engram_journal', 'raw_jsonb', 'raw_bytea']) await admin.query(`VACUUM ANALYZE "${schema}".${table}`);
  const size = await admin.query(`SELECT avg(octet_length(payload_text))::int AS bytes FROM "${schema}".engram_journal`);
  console.log(`payload ${size.rows[0].bytes} bytes on average`);

  const client = await admin.connect();
  // Every stored column of the event rows, one column each, as a naive reader would select them.
  const everyColumnSql = `SELECT sequence_nr, writer_uuid, write_timestamp, type_id, payload_text, payload_bytes, tags,
      meta_serializer_id, meta_manifest, meta_kind, meta_text, meta_bytes
    FROM "${schema}".engram_journal WHERE persistence_id = $1 ORDER BY sequence_nr`;
  const pageSize = 2_000;
  const readers: Record<string, () => Promise<Outcome>> = {
    'raw cursor, every stored column (12), JSON.parse': () =>
      measure((tick) =>
        rawCursor<unknown[]>(client, everyColumnSql, pageSize, { rowMode: 'array', types: storeTypes }, (row) => {
          JSON.parse(row[4] as string);
          tick();
        }),
      ),
    'raw cursor, seq + text payload, JSON.parse': () =>
      measure((tick) =>
        rawCursor<unknown[]>(
          client,
          `SELECT sequence_nr, payload_text FROM "${schema}".engram_journal WHERE persistence_id = $1 ORDER BY sequence_nr`,
          pageSize,
          { rowMode: 'array' },
          (row) => {
            JSON.parse(row[1] as string);
            tick();
          },
        ),
      ),
    'raw cursor, seq + jsonb payload (driver parses)': () =>
      measure((tick) =>
        rawCursor<unknown[]>(
          client,
          `SELECT sequence_nr, payload FROM "${schema}".raw_jsonb WHERE persistence_id = $1 ORDER BY sequence_nr`,
          pageSize,
          { rowMode: 'array' },
          () => tick(),
        ),
      ),
    'raw cursor, seq + bytea payload, toString + JSON.parse': () =>
      measure((tick) =>
        rawCursor<unknown[]>(
          client,
          `SELECT sequence_nr, payload FROM "${schema}".raw_bytea WHERE persistence_id = $1 ORDER BY sequence_nr`,
          pageSize,
          { rowMode: 'array' },
          (row) => {
            JSON.parse((row[1] as Buffer).toString('utf8'));
            tick();
          },
        ),
      ),
    'PostgresJournal.replayMessages, JSON.parse': () =>
      measure(async (tick) => {
        let count = 0;
        await journal.replayMessages(pid, 1, Infinity, Infinity, (event) => {
          JSON.parse(event.payload as string);
          count++;
          tick();
        });
        return count;
      }),
  };
  // Memory first, in a process that has read nothing yet, so the growth is the replay's own.
  const fresh = await readers['PostgresJournal.replayMessages, JSON.parse']!();
  console.log(
    `PostgresJournal replay of ${events.toLocaleString('en-US')} events in a fresh process: ${fmt(fresh.rate)}, ` +
      `peak RSS growth ${Math.round(fresh.peakMiB)} MiB`,
  );
  const results = new Map<string, Outcome[]>();
  for (let run = 0; run < runs; run++) {
    for (const [name, read] of Object.entries(readers)) {
      const list = results.get(name) ?? [];
      list.push(await read());
      results.set(name, list);
    }
  }
  client.release();
  const median = (name: string): Outcome => {
    const sorted = [...(results.get(name) ?? [])].sort((a, b) => a.rate - b.rate);
    return sorted[Math.floor(sorted.length / 2)] as Outcome;
  };
  console.log(`replay of ${events.toLocaleString('en-US')} events of one id, pages of ${pageSize}, median of ${runs} runs:`);
  for (const name of Object.keys(readers)) {
    const m = median(name);
    const all = (results.get(name) ?? []).map((o) => `${Math.round(o.rate / 1000)}k`).join(', ');
    console.log(`  ${name.padEnd(56)} ${fmt(m.rate).padStart(10)}  (runs: ${all})`);
  }
  const store = median('PostgresJournal.replayMessages, JSON.parse').rate;
  console.log(
    `  PostgresJournal = ${pct(store, median('raw cursor, seq + text payload, JSON.parse').rate)} of the raw two-column read, ` +
      `${pct(store, median('raw cursor, every stored column (12), JSON.parse').rate)} of reading every column raw`,
  );

  console.log('PostgresJournal replay by page size (one run each):');
  for (const replayPageSize of [500, 1_000, 2_000, 5_000, 10_000]) {
    const sized = new PostgresJournal({ connectionString: postgresUrl, schema, replayPageSize });
    const outcome = await measure(async (tick) => {
      let count = 0;
      await sized.replayMessages(pid, 1, Infinity, Infinity, (event) => {
        JSON.parse(event.payload as string);
        count++;
        tick();
      });
      return count;
    });
    await sized.close();
    console.log(`  ${String(replayPageSize).padStart(6)} rows/page: ${fmt(outcome.rate)}`);
  }
  await journal.close();
}

try {
  await main();
} finally {
  await dropSchemas(admin, [schema]);
  await admin.end();
}
