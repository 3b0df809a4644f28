/**
 * The read side on SQLite: catch-up reads, projections, live latency and the cost of idle
 * consumers, each printed next to bare better-sqlite3 doing the same work in the same run (or, for
 * latency, next to the writer's own persist-to-stored time). Prints figures; asserts nothing.
 *
 *   npm run bench:query            (SCALE=0.1 for a quick run, REPS=n runs per figure, default 3)
 */
import { ActorSystem, PersistenceQuery, ReadJournal } from '@engram/core';
import { SqliteJournal, SqliteOffsetStore, SqliteReadJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { loadavg } from 'node:os';
import { machineLine } from '../lib/report.js';
import { sameAsRawPayload } from '../persistence/accountEvents.js';
import { intArg, tempDir } from '../sqlite/workload.js';
import { runLoad, type LoadShape } from './AccountLoad.js';
import { accountLog, fillAccountLog } from './accountLog.js';
import { inFreshProcess } from './freshCatchUp.js';
import { CountingReader } from './CountingReader.js';
import { idleCost, idleProjectionsCost } from './idleCost.js';
import { LiveConsumer, type Percentiles } from './liveLatency.js';
import { sqliteProjections } from './sqliteProjections.js';
import { medianRate, stoppedBefore, type Rate } from './rates.js';
import { printCatchUp, printIdle, printLatency, type CatchUpRow, type IdleRow, type LatencyRow } from './report.js';

const scale = Number(process.env['SCALE'] ?? '1');
if (!(scale > 0)) throw new Error(`SCALE must be a positive number, got "${process.env['SCALE']}"`);
const reps = intArg('REPS', 3);
const n = (count: number) => Math.max(1, Math.round(count * scale));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Each read in a fresh process (as a service catching up after a restart), the variants interleaved per repetition. */
async function catchUp(path: string, events: number): Promise<CatchUpRow[]> {
  const runs = { rawReader: [] as Rate[], rawNarrow: [] as Rate[], engram: [] as Rate[], engramLarge: [] as Rate[] };
  for (let rep = 0; rep < reps; rep++) {
    runs.rawReader.push(await inFreshProcess({ reader: 'sqlite raw', path, columns: 'reader columns' }));
    runs.rawNarrow.push(await inFreshProcess({ reader: 'sqlite raw', path, columns: 'ordering + payload' }));
    if (!stoppedBefore(runs.engram)) runs.engram.push(await inFreshProcess({ reader: 'sqlite engram', path, expected: events }));
    if (!stoppedBefore(runs.engramLarge)) runs.engramLarge.push(await inFreshProcess({ reader: 'sqlite engram', path, pageSize: 10_000, expected: events }));
  }
  const baseline = medianRate(runs.rawReader);
  return [
    { name: 'SqliteReadJournal, pageSize 1,000 (default)', rate: medianRate(runs.engram), baseline },
    { name: 'SqliteReadJournal, pageSize 10,000', rate: medianRate(runs.engramLarge), baseline },
    { name: "raw iterate(), the reader's columns", rate: baseline, baseline },
    { name: 'raw iterate(), ordering + payload only', rate: medianRate(runs.rawNarrow), baseline },
  ];
}

async function latency(shape: LoadShape): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const consumer of ['system read journal', 'SqliteReadJournal', 'SqliteReadJournal, 10 ms'] as const) {
    const tmp = tempDir('query-latency');
    const path = `${tmp.dir}/engram.db`;
    const system = ActorSystem.create('bench', { logLevel: 'warn', persistence: { journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) } });
    const own =
      consumer === 'system read journal' ? undefined : new SqliteReadJournal(consumer === 'SqliteReadJournal' ? { path } : { path, pollIntervalMs: 10 });
    try {
      const live = new LiveConsumer(own ?? PersistenceQuery.get(system).readJournal());
      const result = await runLoad(system, shape);
      const seen: Percentiles = await live.stop(result.stored, result.measureFrom);
      rows.push({
        name:
          consumer === 'system read journal'
            ? 'PersistenceQuery read journal (woken by the local write)'
            : `SqliteReadJournal (own connection, polls every ${consumer === 'SqliteReadJournal' ? '50 ms, the default' : '10 ms'})`,
        consumer: seen,
        ack: result.ackLatencies,
        stored: result.stored,
      });
    } finally {
      await own?.close();
      await system.terminate();
      tmp.remove();
    }
  }
  return rows;
}

async function idle(seconds: number): Promise<IdleRow[]> {
  const rows: IdleRow[] = [];
  for (const kind of ['eventsByTag queries', 'exactly-once projections'] as const) {
    for (const consumers of [1, 50]) {
      const tmp = tempDir('query-idle');
      const path = `${tmp.dir}/engram.db`;
      const journal = new SqliteJournal({ path });
      const reader = new CountingReader(journal.reader);
      const readJournal = new ReadJournal<unknown>(reader, {}, false);
      const offsetStore = kind === 'exactly-once projections' ? new SqliteOffsetStore({ path }) : undefined;
      try {
        const setup = { journal: readJournal, reader };
        const figure = offsetStore === undefined ? await idleCost(setup, consumers, seconds) : await idleProjectionsCost(setup, offsetStore, consumers, seconds);
        rows.push({ name: `${consumers} ${kind}`, figure });
      } finally {
        await readJournal.close();
        await offsetStore?.close();
        await journal.close();
        tmp.remove();
      }
    }
  }
  return rows;
}

async function main(): Promise<void> {
  if (!sameAsRawPayload('Account|1', 1)) throw new Error('the engine would store other bytes than the raw baseline: the comparison would be unfair');
  console.log(`Engram read side on SQLite (${await machineLine()}, scale ${scale}, median of ${reps} runs; load average at start: ${load()})`);
  const log = accountLog(n(1_000_000));
  const tmp = tempDir('query-catchup');
  const path = `${tmp.dir}/engram.db`;
  try {
    const journal = new SqliteJournal({ path });
    const fillStart = performance.now();
    await fillAccountLog(journal, log, 10_000);
    await journal.close();
    console.log(`filled ${log.events.toLocaleString('en')} events over ${log.accounts} accounts through writeMessages in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`);
    printCatchUp(`Catch-up: currentEventsByTag over ${log.events.toLocaleString('en')} events (131-byte JSON, every event tagged), events/s`, await catchUp(path, log.events));
    await sqliteProjections(path, log, reps, n);
  } finally {
    tmp.remove();
  }
  const shape: LoadShape = { actors: 1_000, eventsPerSecond: intArg('LATENCY_RATE', 10_000), seconds: Math.max(3, 10 * scale), warmupSeconds: 1 };
  printLatency(
    `Persist-to-consumer latency, in-process: a live eventsByTag from the start while ${shape.actors.toLocaleString('en')} actors persist ${shape.eventsPerSecond.toLocaleString('en')} events/s for ${shape.seconds} s (first ${shape.warmupSeconds} s not measured); ms, clock resolution 1 ms`,
    await latency(shape),
  );
  const idleSeconds = Math.max(2, 10 * scale);
  printIdle(`Idle consumers (caught up on an empty journal, nothing written): reader calls over ${idleSeconds} s, each one query of the file`, await idle(idleSeconds));
  console.log(`\nload average at the end: ${load()}`);
}

await main();
