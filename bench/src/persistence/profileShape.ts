/**
 * One write shape of the persistence benchmarks, the engine alone on one store: no baseline in
 * the process, so that a CPU profile shows only the engine, the store and the driver.
 *
 *   NODE_ENV=production node --expose-gc --cpu-prof bench/dist/persistence/profileShape.js <sqlite|postgres> <tell|ask> [1000|1]
 *
 * The shapes (as in bench:persistence and bench:postgres), one event per command: 1,000 actors
 * (the default), 200 commands each, up to 200 in flight per actor; or 1 actor persisting 20,000
 * events one at a time. Prints the rate and this process's CPU per event.
 */
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import type { PersistenceConfig } from '@engram/core';
import { postgresUrl } from '../postgres/common.js';
import { tempDir } from '../sqlite/workload.js';
import { engramWriteRate, type WriteShape } from './persistThroughput.js';
import { BenchSchemas } from './postgres/BenchSchemas.js';
import { engramPostgres } from './postgres/engramStores.js';

const [store, send, actors = '1000'] = process.argv.slice(2);
if (store !== 'sqlite' && store !== 'postgres') throw new Error(`the store must be sqlite or postgres, got "${store}"`);
if (send !== 'tell' && send !== 'ask') throw new Error(`the send mode must be tell or ask, got "${send}"`);

if (actors !== '1000' && actors !== '1') throw new Error(`the actors must be 1000 or 1, got "${actors}"`);
const shape: WriteShape =
  actors === '1'
    ? { name: `1 actor, sequential persist, ${send}`, actors: 1, perActor: 20_000, mode: 'persist', rawBatch: 1, send }
    : { name: `1,000 actors, ${send}`, actors: 1_000, perActor: 200, mode: 'persist', rawBatch: 1_000, send, inFlight: 200 };
const events = shape.actors * shape.perActor;

async function measure(persistence: () => PersistenceConfig): Promise<void> {
  const cpu = process.cpuUsage();
  const figure = await engramWriteRate(shape, persistence);
  const used = process.cpuUsage(cpu);
  console.log(
    `${store}, ${shape.name}: ${Math.round(figure.rate).toLocaleString('en-US')} events/s, ${figure.calls} journal calls, ` +
      `${((used.user + used.system) / events).toFixed(1)} µs of this process's CPU per event`,
  );
}

if (store === 'sqlite') {
  const tmp = tempDir('profile');
  try {
    const path = `${tmp.dir}/engram.db`;
    await measure(() => ({ journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) }));
  } finally {
    tmp.remove();
  }
} else {
  const schemas = new BenchSchemas(postgresUrl);
  try {
    const schema = await schemas.fresh('engram_profile');
    await measure(() => engramPostgres(schemas.url, schema));
  } finally {
    await schemas.close();
  }
}
