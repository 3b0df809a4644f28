import type { AtomicWrite, PersistentRepr } from '@engram/core/spi';
import pg from 'pg';

/** The server the benchmarks use; override with ENGRAM_POSTGRES_URL. */
export const postgresUrl = process.env['ENGRAM_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export const WRITER_UUID = '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f';

/** A 131-byte JSON event, as in the reference measurements. */
export function payloadFor(persistenceId: string, sequenceNr: number): string {
  const fields = { type: 'Deposited', account: persistenceId, seq: sequenceNr, amount: 100, note: '' };
  const base = JSON.stringify(fields).length;
  return JSON.stringify({ ...fields, note: 'x'.repeat(Math.max(0, 131 - base)) });
}

export function eventOf(persistenceId: string, sequenceNr: number): PersistentRepr {
  return {
    persistenceId,
    sequenceNr,
    serializerId: 1,
    manifest: 'Deposited',
    payload: payloadFor(persistenceId, sequenceNr),
    writerUuid: WRITER_UUID,
    timestamp: 1_700_000_000_000 + sequenceNr,
    tags: [],
  };
}

/** One tick of `ids` actors each persisting one event: `ids` one-event AtomicWrites. */
export function tickOf(label: string, ids: number, round: number, tags: readonly string[] = []): AtomicWrite[] {
  const writes: AtomicWrite[] = [];
  for (let i = 0; i < ids; i++) {
    const pid = `${label}|${i}`;
    writes.push({ persistenceId: pid, events: [{ ...eventOf(pid, round + 1), tags }] });
  }
  return writes;
}

export function perSecond(count: number, ms: number): number {
  return (count * 1000) / ms;
}

export function fmt(rate: number): string {
  return `${Math.round(rate).toLocaleString('en-US')}/s`;
}

export function pct(part: number, whole: number): string {
  return `${Math.round((100 * part) / whole)}%`;
}

export function adminPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 8 });
  pool.on('error', () => {});
  return pool;
}

let schemaCounter = 0;

/** A fresh schema name, unique to this run. */
export function schemaName(label: string): string {
  return `engram_bench_${label}_${process.pid}_${++schemaCounter}`;
}

export async function dropSchemas(pool: pg.Pool, schemas: readonly string[]): Promise<void> {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Runs `worker(i)` for i in 0..n-1 concurrently; resolves when all finish. */
export async function concurrently(n: number, worker: (i: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => worker(i)));
}
