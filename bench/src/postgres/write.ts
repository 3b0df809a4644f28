/**
 * Group-commit write throughput of PostgresJournal next to the raw driver doing the same work, in
 * the same run on the same server.
 *
 *   npm run build && node bench/dist/postgres/write.js [ticks=100] [runs=3]
 *
 * Every figure is events (rows) per second over
 * `ticks` ticks of 1,000 one-event writes from 1,000 actors, the median of `runs` interleaved runs,
 * each on fresh tables. Stock durability settings.
 */
import { PostgresJournal } from '@engram/postgres';
import type { AtomicWrite } from '@engram/core/spi';
import pg from 'pg';
import {
  WRITER_UUID,
  adminPool,
  concurrently,
  dropSchemas,
  fmt,
  payloadFor,
  pct,
  perSecond,
  postgresUrl,
  schemaName,
  tickOf,
} from './common.js';

const rounds = Number(process.argv[2] ?? 100);
const ids = 1_000;
const admin = adminPool();
const schemas: string[] = [];

type PayloadType = 'text' | 'jsonb' | 'bytea';

/** The reference shape: multi-row INSERT ... VALUES of 1,000 rows into a (pid, seq)-keyed table. */
async function rawValues(type: PayloadType, connections: number): Promise<number> {
  const schema = schemaName(`raw_values_${type}_${connections}`);
  schemas.push(schema);
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.query(
    `CREATE TABLE "${schema}".events (persistence_id text NOT NULL, sequence_nr bigint NOT NULL,
      writer_uuid text NOT NULL, write_timestamp bigint NOT NULL, manifest text NOT NULL, payload ${type} NOT NULL,
      PRIMARY KEY (persistence_id, sequence_nr))`,
  );
  const placeholders = Array.from(
    { length: ids },
    (_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6}::${type})`,
  ).join(',');
  const sql = `INSERT INTO "${schema}".events VALUES ${placeholders}`;
  const ticks = Array.from({ length: rounds }, (_, round) => {
    const values: unknown[] = [];
    for (let i = 0; i < ids; i++) {
      const pid = `raw|${connections}|${Math.floor(round / Math.ceil(rounds / connections))}|${i}`;
      const payload = payloadFor(pid, round + 1);
      values.push(pid, round + 1, WRITER_UUID, 1_700_000_000_000 + round, 'Deposited', type === 'bytea' ? Buffer.from(payload) : payload);
    }
    return values;
  });
  return timeWorkers(connections, rounds, async (client, round) => {
    await client.query(sql, ticks[round]);
  });
}

/**
 * The raw driver inserting the store's rows: the same table (created by the store's migration), the
 * same unnest-of-arrays INSERT with the same 13 columns (writer uuid on an id's first event only,
 * as the store keeps it), autocommit; no validation, no highest-sequence-nr check, no tag table.
 */
async function rawSameShape(connections: number): Promise<number> {
  const schema = schemaName(`raw_unnest_${connections}`);
  schemas.push(schema);
  await new PostgresJournal({ connectionString: postgresUrl, schema }).migrate();
  const type = await admin.query<{ id: number }>(
    `INSERT INTO "${schema}".engram_event_type (serializer_id, manifest, payload_kind) VALUES (1, 'Deposited', 0) RETURNING id`,
  );
  const typeId = type.rows[0]?.id;
  const sql = `INSERT INTO "${schema}".engram_journal (persistence_id, sequence_nr, writer_uuid, write_timestamp,
      type_id, payload_text, payload_bytes, tags, meta_serializer_id, meta_manifest, meta_kind, meta_text, meta_bytes)
    SELECT p, s, w, t, ty, pt, pb, tg::text[], ms, mm, mk, mt, mb
    FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::integer[], $6::text[], $7::bytea[],
      $8::text[], $9::integer[], $10::text[], $11::smallint[], $12::text[], $13::bytea[]) AS u(p, s, w, t, ty, pt, pb, tg, ms, mm, mk, mt, mb)`;
  const ticks = Array.from({ length: rounds }, (_, round) => tickOf(`same|${connections}|${round % connections}`, ids, Math.floor(round / connections)));
  const nulls = new Array<null>(ids).fill(null);
  return timeWorkers(connections, rounds, async (client, round) => {
    const events = (ticks[round] as AtomicWrite[]).map((w) => w.events[0]!);
    await client.query(sql, [
      events.map((e) => e.persistenceId),
      events.map((e) => e.sequenceNr),
      events.map((e) => (e.sequenceNr === 1 ? e.writerUuid : null)),
      events.map((e) => e.timestamp),
      events.map(() => typeId),
      events.map((e) => e.payload as string),
      nulls,
      nulls,
      nulls,
      nulls,
      nulls,
      nulls,
      nulls,
    ]);
  });
}

/** PostgresJournal.writeMessages with each tick's 1,000 AtomicWrites, from `callers` concurrent callers. */
async function store(callers: number, tags: readonly string[] = []): Promise<number> {
  const schema = schemaName(`store_${callers}`);
  schemas.push(schema);
  const journal = new PostgresJournal({ connectionString: postgresUrl, schema, poolSize: Math.max(4, callers) });
  await journal.migrate();
  // Caller c owns its own 1,000 actors, so each id still has one write in flight at a time.
  const ticks = Array.from({ length: rounds }, (_, round) =>
    tickOf(`store|${round % callers}`, ids, Math.floor(round / callers), tags),
  );
  const start = performance.now();
  await concurrently(callers, async (caller) => {
    for (let round = caller; round < rounds; round += callers) {
      const results = await journal.writeMessages(ticks[round] as AtomicWrite[]);
      if (results.some((r) => r !== undefined)) throw new Error(`round ${round}: ${results.find((r) => r)?.message}`);
    }
  });
  const rate = perSecond(rounds * ids, performance.now() - start);
  await journal.close();
  return rate;
}

/** One event per call, as one actor persisting alone (no batching possible). */
async function storeSingles(callers: number, events: number): Promise<number> {
  const schema = schemaName(`singles_${callers}`);
  schemas.push(schema);
  const journal = new PostgresJournal({ connectionString: postgresUrl, schema, poolSize: Math.min(callers, 50) });
  await journal.migrate();
  const perCaller = Math.ceil(events / callers);
  const start = performance.now();
  await concurrently(callers, async (c) => {
    for (let seq = 1; seq <= perCaller; seq++) {
      const [result] = await journal.writeMessages(tickOf(`single|${c}`, 1, seq - 1));
      if (result !== undefined) throw result;
    }
  });
  const rate = perSecond(perCaller * callers, performance.now() - start);
  await journal.close();
  return rate;
}

async function rawSingles(callers: number, events: number): Promise<number> {
  const schema = schemaName(`raw_singles_${callers}`);
  schemas.push(schema);
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.query(
    `CREATE TABLE "${schema}".events (persistence_id text NOT NULL, sequence_nr bigint NOT NULL,
      payload text NOT NULL, PRIMARY KEY (persistence_id, sequence_nr))`,
  );
  const perCaller = Math.ceil(events / callers);
  const pool = new pg.Pool({ connectionString: postgresUrl, max: Math.min(callers, 50) });
  const start = performance.now();
  await concurrently(callers, async (c) => {
    for (let seq = 1; seq <= perCaller; seq++) {
      await pool.query(`INSERT INTO "${schema}".events VALUES ($1, $2, $3)`, [`single|${c}`, seq, payloadFor(`single|${c}`, seq)]);
    }
  });
  const rate = perSecond(perCaller * callers, performance.now() - start);
  await pool.end();
  return rate;
}

async function timeWorkers(
  connections: number,
  rounds: number,
  work: (client: pg.PoolClient, round: number) => Promise<void>,
): Promise<number> {
  const clients = await Promise.all(Array.from({ length: connections }, () => admin.connect()));
  let next = 0;
  const start = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (next < rounds) await work(client, next++);
    }),
  );
  const rate = perSecond(rounds * ids, performance.now() - start);
  for (const client of clients) client.release();
  return rate;
}

/** Median of `reps` runs of each function, run interleaved so load changes hit all alike. */
async function interleaved(reps: number, runs: readonly (() => Promise<number>)[]): Promise<Figure[]> {
  const samples: number[][] = runs.map(() => []);
  for (let rep = 0; rep < reps; rep++) {
    for (let i = 0; i < runs.length; i++) {
      samples[i]!.push(await runs[i]!());
      await dropSchemas(admin, schemas.splice(0));
    }
  }
  return samples.map((values) => {
    const sorted = [...values].sort((x, y) => x - y);
    return { median: sorted[Math.floor(sorted.length / 2)]!, samples: values };
  });
}

interface Figure {
  readonly median: number;
  readonly samples: readonly number[];
}

function show(figure: Figure): string {
  return `${fmt(figure.median)} (runs: ${figure.samples.map((v) => Math.round(v / 1000) + 'k').join(', ')})`;
}

const reps = Number(process.argv[3] ?? 3);
try {
  console.log(
    `PostgreSQL group-commit writes: ${rounds} ticks x ${ids} one-event writes (131-byte JSON) per run, ` +
      `median of ${reps} interleaved runs`,
  );
  for (const connections of [1, 4]) {
    const [text, jsonb, bytea, same, journal, tagged] = await interleaved(reps, [
      () => rawValues('text', connections),
      () => rawValues('jsonb', connections),
      () => rawValues('bytea', connections),
      () => rawSameShape(connections),
      () => store(connections),
      () => store(connections, ['account']),
    ]);
    console.log(`  ${connections} connection${connections > 1 ? 's' : ''} / caller${connections > 1 ? 's' : ''}:`);
    console.log(`    raw INSERT ... VALUES, 1,000 rows/statement, text payload:  ${show(text!)}`);
    console.log(`    raw INSERT ... VALUES, 1,000 rows/statement, jsonb payload: ${show(jsonb!)}`);
    console.log(`    raw INSERT ... VALUES, 1,000 rows/statement, bytea payload: ${show(bytea!)}`);
    console.log(`    raw unnest INSERT into the store's table, same columns:     ${show(same!)}`);
    console.log(
      `    PostgresJournal.writeMessages, 1,000 AtomicWrites per call:  ${show(journal!)}\n` +
        `      = ${pct(journal!.median, same!.median)} of raw same-shape, ${pct(journal!.median, text!.median)} of raw VALUES text`,
    );
    console.log(`    the same, every event with one tag (tag table rows too):     ${show(tagged!)}`);
  }
  const singles = Math.max(2_000, rounds * 20);
  for (const callers of [1, 50]) {
    const [raw, journal] = await interleaved(reps, [() => rawSingles(callers, singles), () => storeSingles(callers, singles)]);
    console.log(
      `  one event per call, ${callers} concurrent caller${callers > 1 ? 's' : ''}: raw single-row autocommit INSERT ${show(raw!)}; ` +
        `PostgresJournal ${show(journal!)} = ${pct(journal!.median, raw!.median)}`,
    );
  }
} finally {
  await dropSchemas(admin, schemas);
  await admin.end();
}
