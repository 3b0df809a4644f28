/**
 * The writer of the cross-process latency figure, in a process of its own (started by
 * crossProcessLatency.ts): an actor system on PostgresJournal runs the load, then prints one line
 * of JSON (events stored, the epoch ms from which events are measured, its own persist-to-stored
 * percentiles) and exits. The job comes as JSON in argv[2].
 */
import { ActorSystem } from '@engram/core';
import { PostgresJournal, PostgresSnapshotStore } from '@engram/postgres';
import { runLoad, type LoadShape } from './AccountLoad.js';
import { percentilesOf } from './liveLatency.js';

export interface WriterJob {
  readonly url: string;
  readonly schema: string;
  readonly shape: LoadShape;
}

const job = JSON.parse(process.argv[2] ?? 'null') as WriterJob;
const system = ActorSystem.create('bench-writer', {
  logLevel: 'warn',
  persistence: {
    journal: new PostgresJournal({ connectionString: job.url, schema: job.schema }),
    snapshotStore: new PostgresSnapshotStore({ connectionString: job.url, schema: job.schema }),
  },
});
try {
  const result = await runLoad(system, job.shape);
  console.log(JSON.stringify({ stored: result.stored, measureFrom: result.measureFrom, ack: percentilesOf(result.ackLatencies) }));
} finally {
  await system.terminate();
}
