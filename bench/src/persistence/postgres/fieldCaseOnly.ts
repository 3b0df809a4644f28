/**
 * Recovery on PostgreSQL of two builds side by side: the field case (every actor of
 * `fieldCase(10,000, 1,700,000)` recovered, no snapshots, next to a raw read of every stream from
 * the journal's table, 50 at a time on 10 connections) and one actor with 1,000,000 events next
 * to a raw cursor read of the same rows. The data is written once into fixed schemas and kept, so
 * that several builds recover the very same rows; runs of the builds interleave, each recovery in
 * a fresh process of that build.
 *
 *   node --expose-gc bench/dist/persistence/postgres/fieldCaseOnly.js fill
 *   node --expose-gc bench/dist/persistence/postgres/fieldCaseOnly.js run <repo dir>... (REPS=n, default 3; ONLY=field|one)
 *   node --expose-gc bench/dist/persistence/postgres/fieldCaseOnly.js drop
 *
 * Each <repo dir> is a built checkout (its bench/dist is used). Prints figures; asserts nothing.
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresJournal } from '@engram/postgres';
import { postgresUrl } from '../../postgres/common.js';
import { intArg, runOf } from '../../sqlite/workload.js';
import { fieldCase, fillFieldEvents } from '../fieldCase.js';
import type { RecoveryFigure } from '../recoverAll.js';
import type { CpuFigure } from './CpuMeter.js';
import { fillOne } from './engramStores.js';
import type { RecoveryJob } from './freshProcess.js';
import type { ReadFigure } from './RawTable.js';

const fieldSchema = 'engram_rec_field';
const oneSchema = 'engram_rec_one';
const rawSchema = 'engram_rec_raw';
const actors = 10_000;
const total = 1_700_000;
const oneEvents = 1_000_000;
const onePid = 'Account|big';

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function vacuum(admin: pg.Pool, schema: string): Promise<void> {
  const tables = await admin.query<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = $1', [schema]);
  for (const { name } of tables.rows) await admin.query(`VACUUM ANALYZE "${schema}"."${name}"`);
}

async function fill(admin: pg.Pool): Promise<void> {
  for (const schema of [fieldSchema, oneSchema, rawSchema]) await admin.query(`CREATE SCHEMA "${schema}"`);
  const field = new PostgresJournal({ connectionString: postgresUrl, schema: fieldSchema });
  await fillFieldEvents(field, fieldCase(actors, total));
  await field.close();
  const one = new PostgresJournal({ connectionString: postgresUrl, schema: oneSchema });
  await fillOne(one, onePid, oneEvents, 5_000);
  await one.close();
  await admin.query(
    `CREATE TABLE "${rawSchema}".events (persistence_id text NOT NULL, sequence_nr bigint NOT NULL,
      writer_uuid text NOT NULL, write_timestamp bigint NOT NULL, manifest text NOT NULL, payload text NOT NULL,
      PRIMARY KEY (persistence_id, sequence_nr))`,
  );
  for (let from = 1; from <= oneEvents; from += 1_000) {
    const batch = runOf(onePid, from, Math.min(1_000, oneEvents - from + 1));
    const values: unknown[] = [];
    const rows = batch.map((e, i) => {
      values.push(e.persistenceId, e.sequenceNr, e.writerUuid, e.timestamp, e.manifest, e.payload);
      return `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`;
    });
    await admin.query(`INSERT INTO "${rawSchema}".events VALUES ${rows.join(', ')}`, values);
  }
  for (const schema of [fieldSchema, oneSchema, rawSchema]) await vacuum(admin, schema);
}

type Result = { readonly figure: RecoveryFigure | ReadFigure; readonly cpu: CpuFigure };

function inProcessOf(repo: string, job: RecoveryJob): Promise<Result> {
  const script = join(repo, 'bench/dist/persistence/postgres/recoveryProcess.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', script, JSON.stringify(job)], { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_ENV: 'production' } }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`recovery in ${repo} failed: ${stderr.trim() || error.message}`, { cause: error }));
        return;
      }
      const lines = stdout.trim().split('\n');
      resolve(JSON.parse(lines[lines.length - 1] ?? 'null') as Result);
    });
  });
}

const cpuMs = (cpu: CpuFigure) => JSON.stringify(cpu);

async function run(repos: readonly string[]): Promise<void> {
  const reps = intArg('REPS', 3);
  const only = process.env['ONLY'];
  const fieldJob: RecoveryJob = { kind: 'engram', url: postgresUrl, schema: fieldSchema, ids: { fieldActors: actors, fieldTotal: total }, expectedEvents: total };
  const oneJob: RecoveryJob = { kind: 'engram', url: postgresUrl, schema: oneSchema, ids: { one: onePid }, expectedEvents: oneEvents };
  const rawFieldJob: RecoveryJob = { kind: 'rawField', url: postgresUrl, schema: fieldSchema, ids: fieldJob.ids, concurrency: 50, poolSize: 10 };
  const rawJob: RecoveryJob = { kind: 'raw', url: postgresUrl, schema: rawSchema, persistenceId: onePid, columns: 'all fields', pageSize: 2_000 };
  const field = new Map<string, number[]>(repos.map((r) => [r, []]));
  const one = new Map<string, number[]>(repos.map((r) => [r, []]));
  const raw: number[] = [];
  const rawField: number[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const repo of repos) {
      if (only === undefined || only === 'field') {
        const result = await inProcessOf(repo, fieldJob);
        const figure = result.figure as RecoveryFigure;
        field.get(repo)!.push(figure.seconds);
        console.log(`rep ${rep} ${repo} field case: ${figure.seconds.toFixed(2)} s, ${figure.eventsReplayed} events, cpu ${cpuMs(result.cpu)}; load ${load()}`);
      }
      if (only === undefined || only === 'one') {
        const result = await inProcessOf(repo, oneJob);
        const figure = result.figure as RecoveryFigure;
        one.get(repo)!.push(figure.eventsPerSecond);
        console.log(`rep ${rep} ${repo} 1M actor: ${Math.round(figure.eventsPerSecond)} events/s (${figure.seconds.toFixed(2)} s); load ${load()}`);
      }
    }
    if (only === undefined || only === 'field') {
      const result = await inProcessOf(repos[0]!, rawFieldJob);
      const figure = result.figure as ReadFigure;
      rawField.push(figure.seconds);
      console.log(`rep ${rep} raw read of every stream: ${figure.seconds.toFixed(2)} s, ${figure.rows} rows, cpu ${cpuMs(result.cpu)}; load ${load()}`);
    }
    if (only === undefined || only === 'one') {
      const result = await inProcessOf(repos[0]!, rawJob);
      const figure = result.figure as ReadFigure;
      raw.push(figure.rowsPerSecond);
      console.log(`rep ${rep} raw cursor read, all fields: ${Math.round(figure.rowsPerSecond)} rows/s; load ${load()}`);
    }
  }
  const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  console.log('\nmedians');
  if (rawField.length > 0) console.log(`raw read of every stream: ${median(rawField).toFixed(2)} s (runs ${rawField.map((s) => s.toFixed(2)).join(', ')})`);
  const rawMedian = median(raw);
  for (const repo of repos) {
    const f = field.get(repo)!;
    const o = one.get(repo)!;
    if (f.length > 0) console.log(`${repo}: field case ${median(f).toFixed(2)} s (runs ${f.map((s) => s.toFixed(2)).join(', ')})`);
    if (o.length > 0) {
      console.log(`${repo}: 1M actor ${Math.round(median(o))} events/s, ${(median(o) / rawMedian).toFixed(2)}x of the raw cursor read (${Math.round(rawMedian)} rows/s)`);
    }
  }
}

const admin = new pg.Pool({ connectionString: postgresUrl, max: 2 });
admin.on('error', () => {});
try {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'fill') await fill(admin);
  else if (command === 'drop') for (const schema of [fieldSchema, oneSchema, rawSchema]) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  else if (command === 'run' && rest.length > 0) await run(rest);
  else throw new Error('usage: fieldCaseOnly.js fill | run <repo dir>... | drop');
} finally {
  await admin.end();
}
