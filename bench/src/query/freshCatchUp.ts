import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RawPaging } from './rawPostgres.js';
import type { RawSqliteColumns } from './rawSqlite.js';
import type { Rate } from './rates.js';

/** A catch-up read, run in a process of its own by catchUpProcess.ts. */
export type CatchUpJob =
  | { readonly reader: 'sqlite raw'; readonly path: string; readonly columns: RawSqliteColumns }
  | { readonly reader: 'sqlite engram'; readonly path: string; readonly pageSize?: number; readonly expected: number }
  | { readonly reader: 'postgres raw'; readonly url: string; readonly schema: string; readonly paging: RawPaging; readonly pageSize: number }
  | { readonly reader: 'postgres engram'; readonly url: string; readonly schema: string; readonly pageSize?: number; readonly expected: number };

const script = fileURLToPath(new URL('./catchUpProcess.js', import.meta.url));

/** Runs `job` in a fresh Node.js process and returns what it measured. */
export function inFreshProcess(job: CatchUpJob): Promise<Rate> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', script, JSON.stringify(job)], { maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`the ${job.reader} catch-up process failed: ${stderr.trim() || error.message}`, { cause: error }));
        return;
      }
      const lines = stdout.trim().split('\n');
      resolve(JSON.parse(lines[lines.length - 1] ?? 'null') as Rate);
    });
  });
}
