/**
 * Persistent actors on PostgreSQL, end to end through the engine, next to the raw `pg` driver doing
 * the same writes and reads in batched statements and to Emmett 0.42 on the same workloads, all in
 * one run against one server. Prints figures and ratios; asserts nothing.
 *
 *   npm run bench:postgres            (SCALE=0.1 for a quick run, REPS=n runs per figure, default 3)
 *
 * Works in fresh schemas of ENGRAM_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test),
 * dropped at the end. Every recovery and read runs in a fresh Node.js process (as after a restart),
 * so its memory growth is its own.
 */
import { loadavg } from 'node:os';
import { machineLine } from '../lib/report.js';
import { postgresUrl } from '../postgres/common.js';
import { intArg } from '../sqlite/workload.js';
import { sameAsRawPayload } from './accountEvents.js';
import type { WriteShape } from './persistThroughput.js';
import { BenchSchemas } from './postgres/BenchSchemas.js';
import { emmettAggregateFigures, fieldFigures, recoveryOfOne } from './postgres/recoveryFigures.js';
import { ASKED, printAsked, printGoals, printRecoveries, printWrites } from './postgres/report.js';
import { emmettWriteFigures, writeFigures, type EmmettWriteShape } from './postgres/writeFigures.js';

const scale = Number(process.env['SCALE'] ?? '1');
if (!(scale > 0)) throw new Error(`SCALE must be a positive number, got "${process.env['SCALE']}"`);
const reps = intArg('REPS', 3);
const n = (count: number) => Math.max(1, Math.round(count * scale));

const writeShapes: WriteShape[] = [
  { name: '1 actor, sequential persist', actors: 1, perActor: n(10_000), mode: 'persist', rawBatch: 1 },
  { name: '100 actors concurrently', actors: 100, perActor: n(1_000), mode: 'persist', rawBatch: 100 },
  { name: '1,000 actors concurrently', actors: 1_000, perActor: n(200), mode: 'persist', rawBatch: 1_000 },
  // The workload: each command asked and answered after its event is stored, as an HTTP handler does.
  { name: ASKED, actors: 1_000, perActor: n(200), mode: 'persist', rawBatch: 1_000, send: 'ask', inFlight: 200 },
  { name: '1 actor, persistAsync', actors: 1, perActor: n(100_000), mode: 'persistAsync', rawBatch: 1_000 },
];

const emmettShapes: EmmettWriteShape[] = [
  { name: '100 streams, 1 event per call', streams: 100, calls: n(100), eventsPerCall: 1 },
  { name: '1,000 streams, 1 event per call', streams: 1_000, calls: n(20), eventsPerCall: 1 },
  { name: '100 streams, 100 events per call', streams: 100, calls: n(10), eventsPerCall: 100 },
];

async function serverLine(schemas: BenchSchemas): Promise<string> {
  const settings = await schemas.admin.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'synchronous_commit', 'fsync', 'shared_buffers', 'wal_level') ORDER BY name`,
  );
  return settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ');
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  if (!sameAsRawPayload('Account|1', 1) || !sameAsRawPayload('Account|big', 1_000_000)) {
    throw new Error('the engine would store other bytes than the raw baseline: the comparison would be unfair');
  }
  const schemas = new BenchSchemas(postgresUrl);
  try {
    console.log(`Engram persistence on PostgreSQL (${await machineLine()}, scale ${scale}, median of ${reps} runs)`);
    console.log(`server: ${await serverLine(schemas)}; load average at start: ${load()}`);
    const writes = await writeFigures(schemas, writeShapes, reps);
    const emmettWrites = await emmettWriteFigures(schemas, emmettShapes, reps);
    printWrites(writes, emmettWrites);
    printAsked(writes);
    const one = await recoveryOfOne(schemas, n(1_000_000), reps);
    const field = await fieldFigures(schemas, n(10_000), n(1_700_000), 200, reps);
    const aggregate = await emmettAggregateFigures(schemas, n(1_000_000), reps);
    printRecoveries(one, field, aggregate);
    printGoals(writes, emmettWrites, one, aggregate);
    console.log(`\nload average at the end: ${load()}`);
  } finally {
    await schemas.close();
  }
}

await main();
