import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RecoveryFigure } from '../recoverAll.js';
import type { CpuFigure } from './CpuMeter.js';
import type { AggregateFigure } from './emmett.js';
import type { RawColumns, ReadFigure } from './RawTable.js';

/** A recovery-side measurement, run in a Node.js process of its own (see recoveryProcess.ts). */
export type RecoveryJob =
  | { readonly kind: 'engram'; readonly url: string; readonly schema: string; readonly ids: IdsOf; readonly expectedEvents: number }
  | { readonly kind: 'raw'; readonly url: string; readonly schema: string; readonly persistenceId: string; readonly columns: RawColumns; readonly pageSize: number }
  | { readonly kind: 'emmett'; readonly url: string; readonly stream: string; readonly expectedEvents: number }
  /** The field case's streams read raw from the journal's table, `concurrency` at a time on a pool of `poolSize`. */
  | { readonly kind: 'rawField'; readonly url: string; readonly schema: string; readonly ids: IdsOf; readonly concurrency: number; readonly poolSize: number };

/** Which actors to recover: one id, or every actor of the field case (regenerated, it is deterministic). */
export type IdsOf = { readonly one: string } | { readonly fieldActors: number; readonly fieldTotal: number };

export interface Measured<T> {
  readonly figure: T;
  readonly cpu: CpuFigure;
}

export type JobResult<J extends RecoveryJob> = J extends { kind: 'engram' }
  ? Measured<RecoveryFigure>
  : J extends { kind: 'raw' } | { kind: 'rawField' }
    ? Measured<ReadFigure>
    : Measured<AggregateFigure>;

const script = fileURLToPath(new URL('./recoveryProcess.js', import.meta.url));

/**
 * Runs `job` in a fresh Node.js process (with --expose-gc), as a service recovering after a
 * restart would: its memory growth is its own, not hidden in a heap that earlier workloads grew.
 */
export function inFreshProcess<J extends RecoveryJob>(job: J): Promise<JobResult<J>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', script, JSON.stringify(job)], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`the ${job.kind} recovery process failed: ${stderr.trim() || error.message}`, { cause: error }));
        return;
      }
      const lines = stdout.trim().split('\n');
      resolve(JSON.parse(lines[lines.length - 1] ?? 'null') as JobResult<J>);
    });
  });
}
