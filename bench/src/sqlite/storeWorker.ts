import { parentPort, workerData } from 'node:worker_threads';
import { type Candidate, openCandidate } from './candidates.js';
import type { BenchEvent } from './workload.js';

/** Runs one candidate store on a worker thread: the main thread posts batches, gets acks. */
const { path, candidate } = workerData as { path: string; candidate: Candidate };
const store = openCandidate(path, candidate);
parentPort?.on('message', (message: { id: number; events?: readonly BenchEvent[] }) => {
  if (message.events === undefined) {
    store.db.close();
    parentPort?.postMessage({ id: message.id });
    return;
  }
  store.write(message.events);
  parentPort?.postMessage({ id: message.id });
});
