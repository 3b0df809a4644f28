import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { type Candidate, describe, openCandidate } from './candidates.js';
import { type BenchEvent, intArg, perSecond, pidOf, payloadFor, tempDir, WRITER_UUID } from './workload.js';

/**
 * Main thread or worker thread for the store: the same candidate layout, writes of one event per
 * actor, `IDS` actors split into `LANES` groups that each wait for their previous call (as actors
 * wait for their persist) before the next, so with a worker several calls can be in flight.
 * Prints throughput and how much main-thread time each 1,000 events cost (event-loop utilization).
 *
 *   npm run build && node bench/dist/sqlite/threads.js    (IDS=1000 ROUNDS=300)
 */
const ids = intArg('IDS', 1000);
const rounds = intArg('ROUNDS', 300);
const candidate: Candidate = {
  clustered: 'tiered', pageSize: 4096, cacheMiB: 64, mmapMiB: 0, walAutocheckpoint: 10_000, rowsPerInsert: 1, mergeEvery: 50_000,
};

function batch(first: number, count: number, round: number): BenchEvent[] {
  const events: BenchEvent[] = [];
  for (let i = first; i < first + count; i++) {
    const pid = pidOf(i);
    events.push({ persistenceId: pid, sequenceNr: round + 1, payload: payloadFor(pid, round + 1), manifest: 'Deposited',
      writerUuid: WRITER_UUID, timestamp: 1_700_000_000_000 + round, tags: [] });
  }
  return events;
}

/** Each lane: `rounds` calls for its share of the ids, one after another. */
async function drive(label: string, lanes: number, write: (events: BenchEvent[]) => Promise<void>): Promise<void> {
  const perLane = Math.floor(ids / lanes);
  // built before timing: the figures are the store's cost, not the benchmark's
  const batches = Array.from({ length: lanes }, (_, lane) =>
    Array.from({ length: rounds }, (_, round) => batch(lane * perLane, perLane, round)),
  );
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (const events of batches[lane]!) await write(events);
    }),
  );
  const ms = performance.now() - start;
  const busy = performance.eventLoopUtilization(elu);
  const events = perLane * lanes * rounds;
  console.log(`  ${label}: ${perSecond(events, ms)}, main thread busy ${(busy.utilization * 100).toFixed(0)}% ` +
    `= ${((busy.active / events) * 1000).toFixed(2)} ms per 1,000 events`);
}

async function onWorker(path: string, lanes: number): Promise<void> {
  const worker = new Worker(new URL('./storeWorker.js', import.meta.url), { workerData: { path, candidate } });
  const waiting = new Map<number, () => void>();
  worker.on('message', (m: { id: number }) => waiting.get(m.id)?.());
  let next = 0;
  const call = (events?: BenchEvent[]) =>
    new Promise<void>((resolve) => {
      const id = next++;
      waiting.set(id, () => {
        waiting.delete(id);
        resolve();
      });
      worker.postMessage({ id, events });
    });
  await drive(`worker thread, ${lanes} call(s) in flight`, lanes, (events) => call(events));
  await call();
  await worker.terminate();
}

console.log(`Store on the main thread vs a worker: ${ids} ids x ${rounds} rounds, ${describe(candidate)}`);
const tmp = tempDir('threads');
try {
  const main = openCandidate(join(tmp.dir, 'main.db'), candidate);
  await drive('main thread', 1, async (events) => main.write(events));
  main.db.close();
  await onWorker(join(tmp.dir, 'worker1.db'), 1);
  await onWorker(join(tmp.dir, 'worker2.db'), 2);
  await onWorker(join(tmp.dir, 'worker4.db'), 4);
} finally {
  tmp.remove();
}
