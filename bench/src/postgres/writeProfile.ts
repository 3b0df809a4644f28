/**
 * CPU per row of PostgresJournal.writeMessages, on the client and on the server, beside raw
 * multi-row INSERTs in the same run; and what each of the journal's server-side guarantees costs
 * per row, measured with store-shaped statements in scratch schemas.
 *
 *   npm run build && node bench/dist/postgres/writeProfile.js [mode] [rounds=150] [reps=3] [variants]
 *
 * Modes:
 * - `compare` (default): the store and the raw baselines, interleaved, `reps` runs each.
 * - `store`, `raw`: the store, or the raw 250-row INSERT, alone, once (for `node --cpu-prof`).
 * - `variants`: the store's statement with and without each part (stream row, writer runs,
 *   tags, the global order index...), sent by the raw driver, interleaved; `variants` (e.g.
 *   `3,5`) picks some by number.
 *
 * Workload, as the engine's group commit makes it with 1,000 busy actors: 1,000 ids, one
 * one-event AtomicWrite each per round, in calls of 250 writes, 4 calls in flight (one caller per
 * quarter of the ids, each on its own connection). A run is `rounds` rounds on fresh tables.
 *
 * Figures per row: client CPU (process.cpuUsage of this process), CPU of the run's own server
 * backends (/proc of the backend pids), of every postgres process (WAL writer, checkpointer and
 * other users' backends too) and of the whole machine minus this process (other work included).
 */
import { PostgresJournal } from '@engram/postgres';
import type { AtomicWrite, PersistentRepr } from '@engram/core/spi';
import { readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { WRITER_UUID, adminPool, dropSchemas, payloadFor, postgresUrl, schemaName } from './common.js';

const mode = process.argv[2] ?? 'compare';
const rounds = Number(process.argv[3] ?? 150);
const reps = Number(process.argv[4] ?? 3);
const ids = 1_000;
const callers = 4;
const perCall = ids / callers;
const admin = adminPool();
const schemas: string[] = [];

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

interface CpuSample {
  readonly client: NodeJS.CpuUsage;
  readonly backends: number;
  readonly postgres: number;
  readonly machine: number;
}

interface Figures {
  readonly rows: number;
  readonly ms: number;
  /** µs per row. */
  readonly client: number;
  /** The part of `client` spent in the kernel (sending on the socket, mostly). */
  readonly clientSystem: number;
  readonly backends: number;
  readonly postgres: number;
  readonly rest: number;
}

function procTicks(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function postgresTicks(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += procTicks(entry);
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

function machineTicks(): number {
  const [, ...parts] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = parts.map(Number) as number[];
  return user! + nice! + system! + irq! + softirq! + steal!;
}

function sample(backendPids: ReadonlySet<number>): CpuSample {
  let backends = 0;
  for (const pid of backendPids) backends += procTicks(pid);
  return { client: process.cpuUsage(), backends, postgres: postgresTicks(), machine: machineTicks() };
}

function figuresOf(before: CpuSample, after: CpuSample, rows: number, ms: number): Figures {
  const client = process.cpuUsage(before.client);
  const clientUs = client.user + client.system;
  const us = (ticks: number): number => (ticks * 1e6) / ticksPerSecond;
  return {
    rows,
    ms,
    client: clientUs / rows,
    clientSystem: client.system / rows,
    backends: us(after.backends - before.backends) / rows,
    postgres: us(after.postgres - before.postgres) / rows,
    rest: (us(after.machine - before.machine) - clientUs) / rows,
  };
}

/** A pool that records the server pid of every connection it opens. */
function trackedPool(max: number): { pool: pg.Pool; pids: Set<number> } {
  const pool = new pg.Pool({ connectionString: postgresUrl, max });
  const pids = new Set<number>();
  pool.on('connect', (client) => pids.add((client as unknown as { processID: number }).processID));
  pool.on('error', () => {});
  return { pool, pids };
}

/**
 * The same 131-byte JSON as `payloadFor`, built as the engine's JSON serializer builds it (one
 * JSON.stringify, a flat string) but without `payloadFor`'s second round trip.
 */
function payloadOf(persistenceId: string, seq: number): string {
  const bare = 61 + JSON.stringify(persistenceId).length + String(seq).length;
  return JSON.stringify({ type: 'Deposited', account: persistenceId, seq, amount: 100, note: 'x'.repeat(Math.max(0, 131 - bare)) });
}

/** One one-event write for each of the ids `first`..`first + count - 1` of `label`, at sequence nr `seq`. */
function callOf(label: string, first: number, count: number, seq: number, tags: readonly string[]): AtomicWrite[] {
  const writes: AtomicWrite[] = [];
  for (let i = first; i < first + count; i++) {
    const persistenceId = `${label}|${i}`;
    const event: PersistentRepr = {
      persistenceId,
      sequenceNr: seq,
      serializerId: 1,
      manifest: 'Deposited',
      payload: payloadOf(persistenceId, seq),
      writerUuid: WRITER_UUID,
      timestamp: 1_700_000_000_000 + seq,
      tags,
    };
    writes.push({ persistenceId, events: [event] });
  }
  return writes;
}

/**
 * Runs `steps` steps of every caller, `callers` in flight, and measures. Each step builds its call
 * (`make`) and sends it, as the engine hands the journal fresh events; building alone is measured
 * first and subtracted from the client's figure. The first step is a warm-up (connections,
 * prepared statements, type ids) and is not counted.
 */
async function timed<T>(
  pids: ReadonlySet<number>,
  steps: number,
  rowsPerStep: number,
  make: (caller: number, step: number) => T,
  send: (caller: number, step: number, call: T) => Promise<void>,
): Promise<Figures> {
  await Promise.all(Array.from({ length: callers }, (_, c) => send(c, 0, make(c, 0))));
  const built = process.cpuUsage();
  for (let c = 0; c < callers; c++) for (let step = 1; step < steps; step++) make(c, step);
  const building = process.cpuUsage(built);
  const before = sample(pids);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async (_, c) => {
      for (let step = 1; step < steps; step++) await send(c, step, make(c, step));
    }),
  );
  const ms = performance.now() - start;
  const figures = figuresOf(before, sample(pids), (steps - 1) * rowsPerStep, ms);
  return { ...figures, client: figures.client - (building.user + building.system) / figures.rows };
}

async function store(tags: readonly string[] = []): Promise<Figures> {
  const schema = schemaName('profile_store');
  schemas.push(schema);
  const { pool, pids } = trackedPool(callers);
  const journal = new PostgresJournal({ pool }, { schema });
  await journal.migrate();
  try {
    const make = (c: number, r: number): AtomicWrite[] => callOf(schema, c * perCall, perCall, r + 1, tags);
    return await timed(pids, rounds, ids, make, async (_c, _r, call) => {
      const results = await journal.writeMessages(call);
      const failed = results.find((result) => result !== undefined);
      if (failed !== undefined) throw failed;
    });
  } finally {
    await journal.close();
    await pool.end();
  }
}

/**
 * The reference: multi-row INSERT ... VALUES into a (pid, seq)-keyed table, `rowsPerStatement` rows
 * a statement, autocommit. Each caller owns `rowsPerStatement` ids and sends as many statements
 * as make the same number of rows as the store's run.
 */
async function rawValues(rowsPerStatement: number): Promise<Figures> {
  const schema = schemaName(`profile_raw_${rowsPerStatement}`);
  schemas.push(schema);
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.query(
    `CREATE TABLE "${schema}".events (persistence_id text NOT NULL, sequence_nr bigint NOT NULL,
      writer_uuid text NOT NULL, write_timestamp bigint NOT NULL, manifest text NOT NULL, payload text NOT NULL,
      PRIMARY KEY (persistence_id, sequence_nr))`,
  );
  const placeholders = Array.from(
    { length: rowsPerStatement },
    (_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`,
  ).join(',');
  const sql = `INSERT INTO "${schema}".events VALUES ${placeholders}`;
  const statements = Math.round((rounds * perCall) / rowsPerStatement);
  const { pool, pids } = trackedPool(callers);
  const clients = await Promise.all(Array.from({ length: callers }, () => pool.connect()));
  try {
    const make = (c: number, s: number): AtomicWrite[] => callOf(`${schema}|${c}`, 0, rowsPerStatement, s + 1, []);
    return await timed(pids, statements, rowsPerStatement * callers, make, async (c, _s, call) => {
      const values: unknown[] = [];
      for (const write of call) {
        const e = write.events[0] as PersistentRepr;
        values.push(e.persistenceId, e.sequenceNr, e.writerUuid, e.timestamp, e.manifest, e.payload);
      }
      await clients[c]!.query(sql, values);
    });
  } finally {
    for (const client of clients) client.release();
    await pool.end();
  }
}

/** The 13 column arrays the store sends for `writes` (text arrays as literals, as the store builds them). */
function columnsOf(writes: readonly AtomicWrite[], typeId: number, everyRowStartsARun: boolean, round: number): unknown[] {
  const events = writes.map((w) => w.events[0] as PersistentRepr);
  const literal = (values: readonly (string | null)[]): string => `{${JSON.stringify(values).slice(1, -1)}}`;
  const nulls = literal(events.map(() => null));
  const tags = events.map((e) => (e.tags.length === 0 ? null : `{${e.tags.map((t) => JSON.stringify(t)).join(',')}}`));
  return [
    literal(events.map((e) => e.persistenceId)),
    events.map((e) => e.sequenceNr),
    literal(events.map((e) => (everyRowStartsARun || round === 0 ? e.writerUuid : null))),
    events.map((e) => e.timestamp),
    events.map(() => typeId),
    literal(events.map((e) => e.payload as string)),
    events.map(() => null),
    literal(tags),
    events.map(() => null),
    nulls,
    events.map(() => null),
    nulls,
    events.map(() => null),
  ];
}

/** A one-dimensional array in PostgreSQL's binary form (as the store sends its columns). */
function binaryArray(elementOid: number, elements: readonly (Buffer | null)[]): Buffer {
  const header: Buffer = Buffer.alloc(20);
  header.writeInt32BE(1, 0);
  header.writeInt32BE(elements.includes(null) ? 1 : 0, 4);
  header.writeInt32BE(elementOid, 8);
  header.writeInt32BE(elements.length, 12);
  header.writeInt32BE(1, 16);
  const parts: Buffer[] = [header];
  for (const element of elements) {
    const length = Buffer.alloc(4);
    length.writeInt32BE(element === null ? -1 : element.length, 0);
    parts.push(length);
    if (element !== null) parts.push(element);
  }
  return Buffer.concat(parts);
}

/** The same columns as binary arrays, all-null columns as one null, as the store sends them. */
function binaryColumnsOf(writes: readonly AtomicWrite[], typeId: number, everyRowStartsARun: boolean, round: number): unknown[] {
  const events = writes.map((w) => w.events[0] as PersistentRepr);
  const text = (values: readonly string[]): Buffer => binaryArray(25, values.map((v) => Buffer.from(v, 'utf8')));
  const int8 = (values: readonly number[]): Buffer =>
    binaryArray(20, values.map((v) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(v));
      return b;
    }));
  const int4 = Buffer.alloc(4);
  int4.writeInt32BE(typeId);
  const tagged = events.some((e) => e.tags.length > 0);
  return [
    text(events.map((e) => e.persistenceId)),
    int8(events.map((e) => e.sequenceNr)),
    everyRowStartsARun || round === 0 ? text(events.map((e) => e.writerUuid)) : null,
    int8(events.map((e) => e.timestamp)),
    binaryArray(23, events.map(() => int4)),
    text(events.map((e) => e.payload as string)),
    null,
    tagged ? text(events.map((e) => `{${e.tags.map((t) => JSON.stringify(t)).join(',')}}`)) : null,
    null,
    null,
    null,
    null,
    null,
  ];
}

/** The rows' 13 values each, row after row, for the multi-row VALUES variant. */
function valuesOf(writes: readonly AtomicWrite[], typeId: number, round: number): unknown[] {
  const values: unknown[] = [];
  for (const write of writes) {
    const e = write.events[0] as PersistentRepr;
    values.push(e.persistenceId, e.sequenceNr, round === 0 ? e.writerUuid : null, e.timestamp, typeId, e.payload);
    values.push(null, null, null, null, null, null, null);
  }
  return values;
}

const columns = `persistence_id, sequence_nr, writer_uuid, write_timestamp, type_id, payload_text,
  payload_bytes, tags, meta_serializer_id, meta_manifest, meta_kind, meta_text, meta_bytes`;
const selected = columns.replace('tags,', 'tags::text[],');
const unnest = `unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::integer[], $6::text[],
    $7::bytea[], $8::text[], $9::integer[], $10::text[], $11::smallint[], $12::text[], $13::bytea[])
  WITH ORDINALITY AS u(${columns}, n)`;

/** The store's statement, in parts: each variant adds one thing to the one before. */
function variantSql(s: string, parts: ReadonlySet<Part>): string {
  const t = (name: string): string => `"${s}".engram_${name}`;
  const lock = parts.has('lock') ? ` WHERE (SELECT 1 FROM pg_advisory_xact_lock_shared(1, 2)) = 1` : '';
  const order = parts.has('lock') ? ' ORDER BY n' : '';
  if (parts.has('splitInput')) return splitInputSql(t);
  if (parts.has('values')) {
    // The same rows as a prepared multi-row VALUES of fixed size: 13 parameters a row.
    const rows = Array.from({ length: perCall }, (_, r) => `(${Array.from({ length: 13 }, (_, c) => `$${r * 13 + c + 1}`).join(', ')})`);
    return `INSERT INTO ${t('journal')} (${columns}) VALUES ${rows.join(',\n')}`;
  }
  if (!parts.has('stream')) {
    return `WITH input AS (SELECT * FROM ${unnest}${lock})
      INSERT INTO ${t('journal')} (${columns}) SELECT ${selected} FROM input${order}`;
  }
  const upsert = `INSERT INTO ${t('stream')} AS s (persistence_id, highest_sequence_nr, last_write_from)
      SELECT persistence_id, max(sequence_nr), min(sequence_nr) FROM input
      GROUP BY persistence_id ORDER BY persistence_id COLLATE "C"
      ON CONFLICT (persistence_id) DO UPDATE
        SET highest_sequence_nr = EXCLUDED.highest_sequence_nr, last_write_from = EXCLUDED.last_write_from
        WHERE s.highest_sequence_nr < EXCLUDED.last_write_from
      RETURNING persistence_id`;
  // The ids the stream table knows are updated (no speculative insertion, no tuple lock of its
  // own); only the others take the upsert.
  const updateFirst = `wanted AS (
      SELECT persistence_id, max(sequence_nr) AS highest, min(sequence_nr) AS first FROM input
      GROUP BY persistence_id ORDER BY persistence_id COLLATE "C"
    ),
    updated AS (
      UPDATE ${t('stream')} s SET highest_sequence_nr = w.highest, last_write_from = w.first
      FROM wanted w WHERE s.persistence_id = w.persistence_id AND s.highest_sequence_nr < w.first
      RETURNING s.persistence_id
    ),
    added AS (
      INSERT INTO ${t('stream')} AS s (persistence_id, highest_sequence_nr, last_write_from)
      SELECT persistence_id, highest, first FROM wanted WHERE persistence_id NOT IN (SELECT persistence_id FROM updated)
      ON CONFLICT (persistence_id) DO UPDATE
        SET highest_sequence_nr = EXCLUDED.highest_sequence_nr, last_write_from = EXCLUDED.last_write_from
        WHERE s.highest_sequence_nr < EXCLUDED.last_write_from
      RETURNING persistence_id
    ),
    advanced AS (SELECT persistence_id FROM updated UNION ALL SELECT persistence_id FROM added)`;
  const advance = `input AS (SELECT * FROM ${unnest}${lock}),
    ${parts.has('updateFirst') ? updateFirst : `advanced AS (${upsert})`}${
      parts.has('runs')
        ? `, runs AS (
      INSERT INTO ${t('writer_run')} (persistence_id, first_sequence_nr, writer_uuid)
      SELECT persistence_id, sequence_nr, writer_uuid FROM input
      WHERE writer_uuid IS NOT NULL AND persistence_id IN (SELECT persistence_id FROM advanced)
    )`
        : ''
    }`;
  const insert = `INSERT INTO ${t('journal')} (${columns})
    SELECT ${selected} FROM input WHERE persistence_id IN (SELECT persistence_id FROM advanced)${order}`;
  const refused = `SELECT DISTINCT persistence_id FROM input WHERE persistence_id NOT IN (SELECT persistence_id FROM advanced)`;
  if (!parts.has('tags')) return `WITH ${advance}, inserted AS (${insert}) ${refused}`;
  return `WITH ${advance},
    inserted AS (${insert} RETURNING persistence_id, sequence_nr, tx_id, ordering, tags),
    tagged AS (
      INSERT INTO ${t('event_tag')} (tag, tx_id, ordering, persistence_id, sequence_nr)
      SELECT tag, i.tx_id, i.ordering, i.persistence_id, i.sequence_nr
      FROM inserted i CROSS JOIN LATERAL ${
        parts.has('distinctOfSeveral')
          ? `unnest(CASE WHEN cardinality(i.tags) < 2 THEN i.tags ELSE ARRAY(SELECT DISTINCT unnest(i.tags)) END)`
          : `(SELECT DISTINCT unnest(i.tags))`
      } AS tagged(tag)
      WHERE i.tags IS NOT NULL
    )
    ${refused}`;
}

/**
 * The store statement (untagged) with no shared `input`: the stream upsert, the writer runs and
 * the refused ids read only the arrays they need, so the 13 columns are not materialized; each
 * scan that inserts takes the write lock in its own one-time filter.
 */
function splitInputSql(t: (name: string) => string): string {
  const lock = `(SELECT 1 FROM pg_advisory_xact_lock_shared(1, 2)) = 1`;
  return `WITH advanced AS (
      INSERT INTO ${t('stream')} AS s (persistence_id, highest_sequence_nr, last_write_from)
      SELECT p, max(q), min(q) FROM unnest($1::text[], $2::bigint[]) AS k(p, q) WHERE ${lock}
      GROUP BY p ORDER BY p COLLATE "C"
      ON CONFLICT (persistence_id) DO UPDATE
        SET highest_sequence_nr = EXCLUDED.highest_sequence_nr, last_write_from = EXCLUDED.last_write_from
        WHERE s.highest_sequence_nr < EXCLUDED.last_write_from
      RETURNING persistence_id
    ),
    runs AS (
      INSERT INTO ${t('writer_run')} (persistence_id, first_sequence_nr, writer_uuid)
      SELECT p, q, w FROM unnest($1::text[], $2::bigint[], $3::text[]) AS r(p, q, w)
      WHERE ${lock} AND w IS NOT NULL AND p IN (SELECT persistence_id FROM advanced)
    ),
    inserted AS (
      INSERT INTO ${t('journal')} (${columns})
      SELECT ${selected} FROM ${unnest}
      WHERE ${lock} AND persistence_id IN (SELECT persistence_id FROM advanced) ORDER BY n
    )
    SELECT DISTINCT p FROM unnest($1::text[]) AS f(p) WHERE p NOT IN (SELECT persistence_id FROM advanced)`;
}

type Part =
  | 'orderIndex'
  | 'lock'
  | 'stream'
  | 'updateFirst'
  | 'runs'
  | 'everyRowARun'
  | 'tags'
  | 'distinctOfSeveral'
  | 'binary'
  | 'byteOrderKeys'
  | 'splitInput'
  | 'values';

interface Variant {
  readonly label: string;
  readonly parts: readonly Part[];
  /** The variant this one is measured against (its number): the one before, unless given. */
  readonly versus?: number;
}

const variants: readonly Variant[] = [
  { label: 'journal rows only (no (tx_id, ordering) index)', parts: [] },
  { label: '+ the (tx_id, ordering) index', parts: ['orderIndex'] },
  { label: '+ lock filter and ORDER BY n', parts: ['orderIndex', 'lock'] },
  { label: '+ stream row guard (SequenceConflict)', parts: ['orderIndex', 'lock', 'stream'] },
  { label: '+ writer runs CTE (= the store statement)', parts: ['orderIndex', 'lock', 'stream', 'runs'] },
  { label: '  the same, every row starting a run', parts: ['orderIndex', 'lock', 'stream', 'runs', 'everyRowARun'] },
  { label: '  the store statement, one tag per event', parts: ['orderIndex', 'lock', 'stream', 'runs', 'tags'], versus: 4 },
  { label: '    the same, DISTINCT only for rows of several tags', parts: ['orderIndex', 'lock', 'stream', 'runs', 'tags', 'distinctOfSeveral'] },
  { label: '  the store statement, binary array parameters', parts: ['orderIndex', 'lock', 'stream', 'runs', 'binary'], versus: 4 },
  {
    label: '    the same, journal and stream keyed COLLATE "C"',
    parts: ['orderIndex', 'lock', 'stream', 'runs', 'binary', 'byteOrderKeys'],
  },
  { label: '  stream guard as UPDATE, then upsert of the rest', parts: ['orderIndex', 'lock', 'stream', 'updateFirst'], versus: 3 },
  { label: '  the store statement, no shared input CTE, binary', parts: ['orderIndex', 'binary', 'splitInput'], versus: 8 },
  { label: '  journal rows as a prepared 250-row VALUES (vs unnest)', parts: ['orderIndex', 'values'], versus: 1 },
];

/** One variant through the raw driver on a freshly migrated store schema (triggers included). */
async function variant(v: Variant): Promise<Figures> {
  const parts = new Set(v.parts);
  const schema = schemaName('profile_variant');
  schemas.push(schema);
  await new PostgresJournal({ connectionString: postgresUrl, schema }).migrate();
  if (!parts.has('orderIndex')) await admin.query(`DROP INDEX "${schema}".engram_journal_order_idx`);
  if (parts.has('byteOrderKeys')) {
    // The same uniqueness, compared byte by byte instead of by the database's collation.
    await admin.query(`ALTER TABLE "${schema}".engram_journal DROP CONSTRAINT engram_journal_pkey`);
    await admin.query(`CREATE UNIQUE INDEX ON "${schema}".engram_journal (persistence_id COLLATE "C", sequence_nr)`);
    await admin.query(`ALTER TABLE "${schema}".engram_stream DROP CONSTRAINT engram_stream_pkey`);
    await admin.query(`DROP INDEX "${schema}".engram_stream_id_c_idx`);
    await admin.query(`CREATE UNIQUE INDEX ON "${schema}".engram_stream (persistence_id COLLATE "C")`);
  }
  const type = await admin.query<{ id: number }>(
    `INSERT INTO "${schema}".engram_event_type (serializer_id, manifest, payload_kind) VALUES (1, 'Deposited', 0) RETURNING id`,
  );
  const typeId = type.rows[0]!.id;
  const sql = variantSql(schema, parts);
  const tags = parts.has('tags') ? ['account'] : [];
  const { pool, pids } = trackedPool(callers);
  const clients = await Promise.all(Array.from({ length: callers }, () => pool.connect()));
  try {
    const make = (c: number, r: number): unknown[] => {
      const writes = callOf(schema, c * perCall, perCall, r + 1, tags);
      if (parts.has('values')) return valuesOf(writes, typeId, r);
      return (parts.has('binary') ? binaryColumnsOf : columnsOf)(writes, typeId, parts.has('everyRowARun'), r);
    };
    return await timed(pids, rounds, ids, make, async (c, _r, values) => {
      await clients[c]!.query({ name: `v_${schema}`, text: sql, values });
    });
  } finally {
    for (const client of clients) client.release();
    await pool.end();
  }
}

/**
 * Each run's figures, `reps` times, interleaved so that load changes hit all alike: every other
 * round goes backwards, so no run always comes first or right after another.
 */
async function interleaved(runs: readonly (() => Promise<Figures>)[]): Promise<Figures[][]> {
  const samples: Figures[][] = runs.map(() => []);
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < runs.length; k++) {
      const i = rep % 2 === 0 ? k : runs.length - 1 - k;
      samples[i]!.push(await runs[i]!());
      await dropSchemas(admin, schemas.splice(0));
    }
  }
  return samples;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function line(label: string, runs: readonly Figures[]): string {
  const m = (key: keyof Figures): number => median(runs.map((f) => f[key]));
  const rate = median(runs.map((f) => (f.rows * 1000) / f.ms));
  const us = (v: number): string => v.toFixed(2).padStart(6);
  return (
    `${label.padEnd(52)} ${Math.round(rate).toLocaleString('en-US').padStart(8)}/s  client ${us(m('client'))} (kernel ${us(m('clientSystem'))})  ` +
    `backends ${us(m('backends'))}  all postgres ${us(m('postgres'))}  rest of machine ${us(m('rest'))}` +
    `   (client runs: ${runs.map((f) => f.client.toFixed(1)).join(', ')}; backends: ${runs.map((f) => f.backends.toFixed(1)).join(', ')})`
  );
}

function header(): void {
  console.log(
    `${rounds} rounds x ${ids} ids (one 131-byte JSON event each), calls of ${perCall} writes, ${callers} in flight; ` +
      `median of ${reps} interleaved runs; µs CPU per row. Load: ${readFileSync('/proc/loadavg', 'utf8').trim()}`,
  );
}

if (payloadOf('a|1', 7) !== payloadFor('a|1', 7)) throw new Error('payloadOf no longer builds the reference payload');
try {
  if (mode === 'store') {
    console.log(line('PostgresJournal.writeMessages', [await store()]));
  } else if (mode === 'raw') {
    console.log(line(`raw INSERT ... VALUES, ${perCall} rows/statement`, [await rawValues(perCall)]));
  } else if (mode === 'variants') {
    header();
    // An optional list of variant numbers (from 0) runs only those.
    const chosen = process.argv[5] === undefined ? variants.map((_, i) => i) : process.argv[5].split(',').map(Number);
    const results = await interleaved(chosen.map((i) => () => variant(variants[i]!)));
    chosen.forEach((v, i) => console.log(line(`${v}. ${variants[v]!.label}`, results[i]!)));
    // Each part's cost: the median over the runs of a variant's backend CPU minus that of the
    // variant it is measured against, in the same round of runs (which the load of that moment hit alike).
    console.log('Server CPU per row of each variant against the one it names (median of the paired differences):');
    chosen.forEach((v, i) => {
      const versus = chosen.indexOf(variants[v]!.versus ?? v - 1);
      if (versus < 0) return;
      const differences = results[i]!.map((f, rep) => f.backends - results[versus]![rep]!.backends);
      const label = `${v}. ${variants[v]!.label.trim()} (vs ${chosen[versus]})`;
      console.log(`  ${label.padEnd(62)} ${median(differences).toFixed(2).padStart(6)} µs (${differences.map((d) => d.toFixed(1)).join(', ')})`);
    });
  } else {
    header();
    const [journal, tagged, raw250, raw1000] = await interleaved([
      () => store(),
      () => store(['account']),
      () => rawValues(perCall),
      () => rawValues(1_000),
    ]);
    console.log(line('PostgresJournal.writeMessages', journal!));
    console.log(line('  the same, one tag per event', tagged!));
    console.log(line(`raw INSERT ... VALUES, ${perCall} rows/statement`, raw250!));
    console.log(line('raw INSERT ... VALUES, 1,000 rows/statement', raw1000!));
  }
  console.log(`Load after: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
} finally {
  await dropSchemas(admin, schemas);
  await admin.end();
}
