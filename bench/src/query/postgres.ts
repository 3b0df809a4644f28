/**
 * The read side on PostgreSQL: catch-up reads, projections, live latency (in-process and from
 * another process) and the cost of idle consumers, each printed next to the raw `pg` driver doing
 * the same work in the same run (or, for latency, next to the writer's own persist-to-stored
 * time). Prints figures; asserts nothing.
 *
 *   npm run bench:query            (SCALE=0.1 for a quick run, REPS=n runs per figure, default 3)
 *
 * Works in fresh schemas of ENGRAM_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test),
 * dropped at the end.
 */
import { ActorSystem, PersistenceQuery, ReadJournal } from '@engram/core';
import { PostgresJournal, PostgresOffsetStore, PostgresReadJournal, PostgresSnapshotStore } from '@engram/postgres';
import { loadavg } from 'node:os';
import pg from 'pg';
import { machineLine } from '../lib/report.js';
import { sameAsRawPayload } from '../persistence/accountEvents.js';
import { BenchSchemas } from '../persistence/postgres/BenchSchemas.js';
import { postgresUrl } from '../postgres/common.js';
import { intArg } from '../sqlite/workload.js';
import { runLoad, type LoadShape } from './AccountLoad.js';
import { accountLog, fillAccountLog } from './accountLog.js';
import { inFreshProcess } from './freshCatchUp.js';
import { countingPool } from './countingPool.js';
import { CountingReader } from './CountingReader.js';
import { crossProcessLatency } from './crossProcessLatency.js';
import { idleCost, idleProjectionsCost } from './idleCost.js';
import { LiveConsumer } from './liveLatency.js';
import { postgresProjections } from './postgresProjections.js';
import { medianRate, stoppedBefore, type Rate } from './rates.js';
import { printCatchUp, printIdle, printLatency, type CatchUpRow, type IdleRow, type LatencyRow } from './report.js';

const scale = Number(process.env['SCALE'] ?? '1');
if (!(scale > 0)) throw new Error(`SCALE must be a positive number, got "${process.env['SCALE']}"`);
const reps = intArg('REPS', 3);
const n = (count: number) => Math.max(1, Math.round(count * scale));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Each read in a fresh process (as a service catching up after a restart), the variants interleaved per repetition. */
async function catchUp(url: string, schema: string, events: number): Promise<CatchUpRow[]> {
  const runs = { cursor: [] as Rate[], keyset: [] as Rate[], engram: [] as Rate[], engramLarge: [] as Rate[] };
  for (let rep = 0; rep < reps; rep++) {
    runs.cursor.push(await inFreshProcess({ reader: 'postgres raw', url, schema, paging: 'cursor', pageSize: 1_000 }));
    runs.keyset.push(await inFreshProcess({ reader: 'postgres raw', url, schema, paging: 'keyset', pageSize: 1_000 }));
    if (!stoppedBefore(runs.engram)) runs.engram.push(await inFreshProcess({ reader: 'postgres engram', url, schema, expected: events }));
    if (!stoppedBefore(runs.engramLarge)) runs.engramLarge.push(await inFreshProcess({ reader: 'postgres engram', url, schema, pageSize: 10_000, expected: events }));
  }
  const baseline = medianRate(runs.cursor);
  return [
    { name: 'PostgresReadJournal, pageSize 1,000 (default)', rate: medianRate(runs.engram), baseline },
    { name: 'PostgresReadJournal, pageSize 10,000', rate: medianRate(runs.engramLarge), baseline },
    { name: 'raw pg-cursor, 1,000 rows per read, same columns', rate: baseline, baseline },
    { name: 'raw keyset pages of 1,000, same columns', rate: medianRate(runs.keyset), baseline },
  ];
}

async function latency(schemas: BenchSchemas, shape: LoadShape): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const consumer of ['system read journal', 'PostgresReadJournal'] as const) {
    const schema = await schemas.fresh('query_latency');
    const persistence = {
      journal: new PostgresJournal({ connectionString: schemas.url, schema }),
      snapshotStore: new PostgresSnapshotStore({ connectionString: schemas.url, schema }),
    };
    const system = ActorSystem.create('bench', { logLevel: 'warn', persistence });
    const own = consumer === 'PostgresReadJournal' ? new PostgresReadJournal({ connectionString: schemas.url, schema }) : undefined;
    try {
      const live = new LiveConsumer(own ?? PersistenceQuery.get(system).readJournal());
      const result = await runLoad(system, shape);
      rows.push({
        name: own === undefined ? 'in-process, PersistenceQuery read journal (woken by the local write)' : 'in-process, PostgresReadJournal (own pool, LISTEN/NOTIFY)',
        consumer: await live.stop(result.stored, result.measureFrom),
        ack: result.ackLatencies,
        stored: result.stored,
      });
    } finally {
      await own?.close();
      await system.terminate();
      await schemas.drop(schema);
    }
  }
  const schema = await schemas.fresh('query_latency_cross');
  const journal = new PostgresReadJournal({ connectionString: schemas.url, schema });
  try {
    const { consumer, writer } = await crossProcessLatency(journal as ReadJournal<unknown>, { url: schemas.url, schema, shape });
    rows.push({ name: 'writer in a child process, PostgresReadJournal here (LISTEN/NOTIFY)', consumer, ack: writer.ack, stored: writer.stored });
  } finally {
    await journal.close();
    await schemas.drop(schema);
  }
  return rows;
}

/**
 * Commits to a table the journal knows nothing of, `perSecond` times a second, until stopped:
 * other applications' traffic in the same database.
 */
function unrelatedCommits(url: string, schema: string, perSecond: number): { stop(): Promise<void> } {
  const client = new pg.Client({ connectionString: url });
  let running = true;
  const done = (async () => {
    await client.connect();
    await client.query(`CREATE TABLE "${schema}".unrelated (id bigint GENERATED ALWAYS AS IDENTITY, at timestamptz NOT NULL DEFAULT now())`);
    while (running) {
      await client.query(`INSERT INTO "${schema}".unrelated DEFAULT VALUES`);
      await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}

type IdleCase = { readonly kind: 'eventsByTag queries' | 'exactly-once projections'; readonly consumers: number; readonly unrelatedPerSecond: number };

async function idle(schemas: BenchSchemas, seconds: number): Promise<IdleRow[]> {
  const cases: IdleCase[] = [];
  for (const unrelatedPerSecond of [0, 20]) {
    for (const kind of ['eventsByTag queries', 'exactly-once projections'] as const) {
      for (const consumers of [1, 50]) cases.push({ kind, consumers, unrelatedPerSecond });
    }
  }
  const rows: IdleRow[] = [];
  for (const { kind, consumers, unrelatedPerSecond } of cases) {
    const schema = await schemas.fresh('query_idle');
    // The journal's reader and the offset store share one counted pool: every statement they send is counted.
    const counted = countingPool(schemas.url, 10);
    const journal = new PostgresJournal({ pool: counted.pool, schema });
    const reader = new CountingReader(journal.reader);
    const readJournal = new ReadJournal<unknown>(reader, {}, false);
    const offsetStore = kind === 'exactly-once projections' ? new PostgresOffsetStore({ pool: counted.pool, schema }) : undefined;
    const traffic = unrelatedPerSecond > 0 ? unrelatedCommits(schemas.url, schema, unrelatedPerSecond) : undefined;
    try {
      const setup = { journal: readJournal, reader, statements: counted.statements };
      const figure = offsetStore === undefined ? await idleCost(setup, consumers, seconds) : await idleProjectionsCost(setup, offsetStore, consumers, seconds);
      rows.push({ name: `${consumers} ${kind}${unrelatedPerSecond > 0 ? `, another table taking ${unrelatedPerSecond} commits/s` : ''}`, figure });
    } finally {
      await traffic?.stop();
      await readJournal.close();
      await offsetStore?.close();
      await journal.close();
      await counted.pool.end();
      await schemas.drop(schema);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  if (!sameAsRawPayload('Account|1', 1)) throw new Error('the engine would store other bytes than the raw baseline: the comparison would be unfair');
  const schemas = new BenchSchemas(postgresUrl);
  try {
    console.log(`Engram read side on PostgreSQL (${await machineLine()}, scale ${scale}, median of ${reps} runs; load average at start: ${load()})`);
    const log = accountLog(n(1_000_000));
    const schema = await schemas.fresh('query_catchup');
    const journal = new PostgresJournal({ connectionString: schemas.url, schema });
    const fillStart = performance.now();
    await fillAccountLog(journal, log, 10_000, 4);
    await journal.close();
    await schemas.vacuum(schema);
    console.log(`filled ${log.events.toLocaleString('en')} events over ${log.accounts} accounts through writeMessages (4 calls in flight) in ${((performance.now() - fillStart) / 1000).toFixed(1)} s, then VACUUM ANALYZE`);
    printCatchUp(`Catch-up: currentEventsByTag over ${log.events.toLocaleString('en')} events (131-byte JSON, every event tagged), events/s`, await catchUp(schemas.url, schema, log.events));
    await postgresProjections(schemas.url, schemas.admin, schema, log, reps, n);
    await schemas.drop(schema);
    const shape: LoadShape = { actors: 1_000, eventsPerSecond: intArg('LATENCY_RATE', 10_000), seconds: Math.max(3, 10 * scale), warmupSeconds: 1 };
    printLatency(
      `Persist-to-consumer latency: a live eventsByTag from the start while ${shape.actors.toLocaleString('en')} actors persist ${shape.eventsPerSecond.toLocaleString('en')} events/s for ${shape.seconds} s (first ${shape.warmupSeconds} s not measured); ms, clock resolution 1 ms`,
      await latency(schemas, shape),
    );
    const idleSeconds = Math.max(2, 6 * scale);
    printIdle(`Idle consumers (caught up on an empty journal, nothing written to it): reader calls and statements over ${idleSeconds} s`, await idle(schemas, idleSeconds));
    console.log(`\nload average at the end: ${load()}`);
  } finally {
    await schemas.close();
  }
}

await main();
