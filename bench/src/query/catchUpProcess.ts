/**
 * One catch-up read in a Node.js process of its own, as a service catching up after a restart
 * would, so that no read inherits the heap or the compiled code of the fill or of another read.
 * The job comes as JSON in argv[2] (see `inFreshProcess`), the measured Rate goes to stdout as
 * one line of JSON.
 */
import pg from 'pg';
import { PostgresReadJournal } from '@engram/postgres';
import { SqliteReadJournal } from '@engram/sqlite';
import type { ReadJournal } from '@engram/core';
import { engramCatchUp } from './catchUp.js';
import type { CatchUpJob } from './freshCatchUp.js';
import { RawPostgres } from './rawPostgres.js';
import { RawSqlite } from './rawSqlite.js';
import type { Rate } from './rates.js';

async function run(job: CatchUpJob): Promise<Rate> {
  switch (job.reader) {
    case 'sqlite raw': {
      const raw = new RawSqlite(job.path);
      try {
        return raw.tagScan(job.columns);
      } finally {
        raw.close();
      }
    }
    case 'postgres raw': {
      const pool = new pg.Pool({ connectionString: job.url, max: 1 });
      pool.on('error', () => {});
      try {
        return await new RawPostgres(pool, job.schema).tagScan(job.paging, job.pageSize);
      } finally {
        await pool.end();
      }
    }
    case 'sqlite engram': {
      const journal = new SqliteReadJournal(job.pageSize === undefined ? { path: job.path } : { path: job.path, pageSize: job.pageSize });
      try {
        return await engramCatchUp(journal as ReadJournal<unknown>, job.expected);
      } finally {
        await journal.close();
      }
    }
    case 'postgres engram': {
      const options = { connectionString: job.url, schema: job.schema };
      const journal = new PostgresReadJournal(job.pageSize === undefined ? options : { ...options, pageSize: job.pageSize });
      try {
        return await engramCatchUp(journal as ReadJournal<unknown>, job.expected);
      } finally {
        await journal.close();
      }
    }
  }
}

console.log(JSON.stringify(await run(JSON.parse(process.argv[2] ?? 'null') as CatchUpJob)));
