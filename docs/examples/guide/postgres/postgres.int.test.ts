import { randomBytes } from 'node:crypto';
import { ActorSystem, ask, InvalidArgument } from '@engram/core';
import { PostgresJournal } from '@engram/postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresUnreachable, postgresUrl } from './postgresForTests.test-support.js';
import { counter } from '../getting-started/counter.js';
import { storesFromUrl, storesOnPool, createPool } from './stores.js';
import { visitsOnPostgres } from './visits.js';

const url = postgresUrl;
const unreachable = await postgresUnreachable('docs guide: PostgreSQL');

const schemas: string[] = [];
const freshSchema = () => {
  const schema = `engram_guide_${randomBytes(5).toString('hex')}`;
  schemas.push(schema);
  return schema;
};
afterAll(async () => {
  if (unreachable !== undefined) return;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

describe.skipIf(unreachable !== undefined)('running on PostgreSQL (docs/guide/08-postgresql.md) runs as written', () => {
  it('visits: a migration step, then the counter on a pool of yours, across two systems', async () => {
    const schema = freshSchema();
    const lines: string[] = [];
    await visitsOnPostgres(url, schema, (line) => lines.push(line));
    expect(lines).toEqual(['run 1: 1 visits', 'run 2: 2 visits']);

    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const tables = await admin.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema],
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['engram_journal', 'engram_schema_version', 'engram_snapshot', 'engram_stream']),
      );
      const events = await admin.query(`SELECT sequence_nr FROM "${schema}".engram_journal WHERE persistence_id = 'Counter|visits'`);
      expect(events.rowCount).toBe(2);
    } finally {
      await admin.end();
    }
  });

  it('storesFromUrl: tables created on first use; each store ends its own pool', async () => {
    const schema = freshSchema();
    for (const expected of [1, 2]) {
      const system = ActorSystem.create('counters', { persistence: storesFromUrl(url, schema), logLevel: 'warn' });
      const count: number = await ask(system.spawn(counter('visits')), (replyTo) => ({ type: 'increment', by: 1, replyTo }), { timeoutMs: 5000 });
      expect(count).toBe(expected);
      await system.terminate();
    }
  });

  it('with autoMigrate: false and no migration, the first call says what to do', async () => {
    const schema = freshSchema();
    const pool = createPool(url);
    try {
      const { journal } = storesOnPool(pool, schema);
      await expect(journal.readHighestSequenceNr('Counter|visits', 0)).rejects.toThrow(
        new RegExp(
          `the Engram tables in schema "${schema}" with table prefix "engram_" are at schema version 0, ` +
            'this @engram/postgres needs version \\d+; run migrate\\(\\) or enable autoMigrate',
        ),
      );
      await journal.close();
    } finally {
      await pool.end();
    }
  });

  it('options of the store’s own pool are refused next to a pool of yours', async () => {
    const pool = createPool(url);
    try {
      const mixed = { pool, statementTimeoutMs: 5000 } as unknown as ConstructorParameters<typeof PostgresJournal>[0];
      expect(() => new PostgresJournal(mixed)).toThrow(InvalidArgument);
      expect(() => new PostgresJournal(mixed)).toThrow('statementTimeoutMs must be left out when you pass your own pool');
    } finally {
      await pool.end();
    }
  });
});
