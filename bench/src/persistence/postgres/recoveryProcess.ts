/**
 * One recovery-side measurement in a process of its own, started by freshProcess.ts: the job comes
 * as JSON in argv[2], the measured figure goes to stdout as one line of JSON.
 */
import pg from 'pg';
import { fieldCase } from '../fieldCase.js';
import { recoverAllFrom } from '../recoverAll.js';
import { CpuMeter } from './CpuMeter.js';
import { emmettAggregate, emmettStoreFor } from './emmett.js';
import { engramPostgres } from './engramStores.js';
import type { IdsOf, Measured, RecoveryJob } from './freshProcess.js';
import { rawFieldRead } from './rawFieldRead.js';
import { RawTable } from './RawTable.js';

/** The persistenceIds a job names: its one id, or every actor of the field case. */
function idsOf(ids: IdsOf): readonly string[] {
  return 'one' in ids ? [ids.one] : fieldCase(ids.fieldActors, ids.fieldTotal).ids;
}

async function run(job: RecoveryJob): Promise<Measured<unknown>> {
  switch (job.kind) {
    case 'engram': {
      const ids = idsOf(job.ids);
      const meter = new CpuMeter();
      const figure = await recoverAllFrom(() => engramPostgres(job.url, job.schema), ids, { expectedEvents: job.expectedEvents }, meter);
      return { figure, cpu: meter.figure };
    }
    case 'raw': {
      const pool = new pg.Pool({ connectionString: job.url, max: 1 });
      pool.on('error', () => {});
      try {
        const table = RawTable.existing(pool, job.schema);
        const { result, cpu } = await CpuMeter.around(() => table.cursorRead(job.persistenceId, job.columns, job.pageSize));
        return { figure: result, cpu };
      } finally {
        await pool.end();
      }
    }
    case 'rawField': {
      const pool = new pg.Pool({ connectionString: job.url, max: job.poolSize });
      pool.on('error', () => {});
      try {
        const ids = idsOf(job.ids);
        const { result, cpu } = await CpuMeter.around(() => rawFieldRead(pool, job.schema, ids, job.concurrency));
        return { figure: result, cpu };
      } finally {
        await pool.end();
      }
    }
    case 'emmett': {
      const store = emmettStoreFor(job.url);
      try {
        const { result, cpu } = await CpuMeter.around(() => emmettAggregate(store, job.stream, job.expectedEvents));
        return { figure: result, cpu };
      } finally {
        await store.close();
      }
    }
  }
}

const job = JSON.parse(process.argv[2] ?? 'null') as RecoveryJob | null;
if (job === null) throw new Error('recoveryProcess: give the job as JSON in the first argument');
console.log(JSON.stringify(await run(job)));
