/**
 * The write shapes the group commit decides: one actor persisting one event at a time, and 1,000
 * actors at once, on SQLite and on PostgreSQL, each next to the raw baseline of the same run.
 * A short program for comparing two commits of the engine (run it from each build, alternating).
 *
 *   node --expose-gc bench/dist/persistence/writeAB.js      (SCALE=0.1 for a quick run, REPS=n, STORES=sqlite,postgres)
 */
import { loadavg } from 'node:os';
import { execSync } from 'node:child_process';
import { formatRate } from '../lib/report.js';
import { postgresUrl } from '../postgres/common.js';
import { intArg } from '../sqlite/workload.js';
import { persistThroughput, type WriteShape } from './persistThroughput.js';
import { BenchSchemas } from './postgres/BenchSchemas.js';
import type { CpuFigure } from './postgres/CpuMeter.js';
import { writeFigures } from './postgres/writeFigures.js';

const scale = Number(process.env['SCALE'] ?? '1');
if (!(scale > 0)) throw new Error(`SCALE must be a positive number, got "${process.env['SCALE']}"`);
const reps = intArg('REPS', 3);
const stores = (process.env['STORES'] ?? 'sqlite,postgres').split(',');
const n = (count: number) => Math.max(1, Math.round(count * scale));

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();

async function sqlite(): Promise<void> {
  const shapes: WriteShape[] = [
    { name: '1 actor, sequential persist', actors: 1, perActor: n(20_000), mode: 'persist', rawBatch: 1 },
    { name: '1,000 actors concurrently', actors: 1_000, perActor: n(200), mode: 'persist', rawBatch: 1_000 },
  ];
  for (const shape of shapes) {
    for (let rep = 0; rep < reps; rep++) {
      const f = await persistThroughput(shape);
      console.log(
        `sqlite   ${shape.name.padEnd(30)} engram ${formatRate(f.engram).padStart(7)} ev/s  raw ${formatRate(f.raw).padStart(7)}  ${(f.engram / f.raw).toFixed(2)}x  ${f.calls} calls, ${f.eventsPerCall.toFixed(0)} ev/call`,
      );
    }
  }
}

async function postgres(): Promise<void> {
  const shapes: WriteShape[] = [
    { name: '1 actor, sequential persist', actors: 1, perActor: n(10_000), mode: 'persist', rawBatch: 1 },
    { name: '1,000 actors concurrently', actors: 1_000, perActor: n(200), mode: 'persist', rawBatch: 1_000 },
  ];
  const schemas = new BenchSchemas(postgresUrl);
  try {
    for (const figure of await writeFigures(schemas, shapes, reps)) {
      for (const run of figure.runs) {
        const events = figure.shape.actors * figure.shape.perActor;
        const cpu = (c: CpuFigure) => `${((c.clientMs * 1000) / events).toFixed(1)}+${((c.restMs * 1000) / events).toFixed(1)} µs/ev`;
        console.log(
          `postgres ${figure.shape.name.padEnd(30)} engram ${formatRate(run.engram.rate).padStart(7)} (${run.engram.calls} calls, ${cpu(run.engram.cpu)})  1 in flight ${formatRate(run.engram1.rate).padStart(7)}  raw1 ${formatRate(run.raw1.rate).padStart(7)}  raw4 ${formatRate(run.raw4.rate).padStart(7)} (${cpu(run.raw4.cpu)})  engram/raw4 ${(run.engram.rate / run.raw4.rate).toFixed(2)}x  engram1/raw1 ${(run.engram1.rate / run.raw1.rate).toFixed(2)}x`,
        );
      }
    }
  } finally {
    await schemas.close();
  }
}

console.log(`write shapes at ${commit}, scale ${scale}, ${reps} runs each; load at start ${load()}`);
if (stores.includes('sqlite')) await sqlite();
if (stores.includes('postgres')) await postgres();
console.log(`load at end ${load()}`);
