import { ActorSystem, Persistence, type PersistenceConfig } from '@engram/core';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { benchAccount } from './accountEvents.js';
import type { TimedSpan } from './persistThroughput.js';

export interface RecoveryFigure {
  readonly seconds: number;
  readonly eventsReplayed: number;
  readonly eventsPerSecond: number;
  readonly peakRssGrowthMiB: number;
  readonly peakHeapGrowthMiB: number;
}

const MiB = 1024 * 1024;

/**
 * Starts an actor for each id on the SQLite file at `path` and measures the time until every one
 * has recovered (RecoveryCompleted inspection events), with the peak memory growth meanwhile.
 */
export function recoverAll(path: string, ids: readonly string[], expect: { expectedEvents: number }): Promise<RecoveryFigure> {
  return recoverAllFrom(() => ({ journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) }), ids, expect);
}

/**
 * The same on any stores: `persistence` is called once, after the memory baseline is taken, and
 * gives the system's persistence config (its stores are closed when the system terminates).
 */
export async function recoverAllFrom(
  persistence: () => PersistenceConfig,
  ids: readonly string[],
  expect: { expectedEvents: number },
  span?: TimedSpan,
): Promise<RecoveryFigure> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 10);
  const system = ActorSystem.create('recovery', {
    logLevel: 'warn',
    persistence: persistence(),
  });
  let recovered = 0;
  let eventsReplayed = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  Persistence.get(system).inspect((event) => {
    if (event.type === 'RecoveryFailed') throw event.error;
    if (event.type !== 'RecoveryCompleted') return;
    eventsReplayed += event.eventsReplayed;
    if (++recovered === ids.length) done();
  });
  span?.started();
  const start = performance.now();
  for (const id of ids) system.spawn(benchAccount(id, () => {}));
  await finished;
  const seconds = (performance.now() - start) / 1000;
  span?.stopped();
  clearInterval(sampler);
  const after = process.memoryUsage();
  peakRss = Math.max(peakRss, after.rss);
  peakHeap = Math.max(peakHeap, after.heapUsed);
  await system.terminate();
  if (ids.length === 1 && eventsReplayed !== expect.expectedEvents) {
    throw new Error(`recovered ${eventsReplayed} events, expected ${expect.expectedEvents}`);
  }
  return {
    seconds,
    eventsReplayed,
    eventsPerSecond: eventsReplayed / seconds,
    peakRssGrowthMiB: (peakRss - before.rss) / MiB,
    peakHeapGrowthMiB: (peakHeap - before.heapUsed) / MiB,
  };
}
