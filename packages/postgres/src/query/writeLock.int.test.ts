import { afterAll, describe, expect, it } from 'vitest';
import { tablesFor } from '../database/index.js';
import { journalLockFilter, journalStatements } from '../journal/journalStatements.js';
import { PostgresJournal } from '../journal/PostgresJournal.js';
import { atomic } from '../testing/events.test-support.js';
import { taggedPool } from '../testing/faults.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { waitFor, withDeadline } from './waitFor.test-support.js';

const db = await postgresForTests('write_lock');

describe.skipIf(!db.available)("the journal's write lock", () => {
  const tables = tablesFor(db.schema);
  const statements = journalStatements(tables);
  const { pool, applicationName } = taggedPool(db.url, 'lock');
  const journal = new PostgresJournal({ pool }, { schema: db.schema });
  afterAll(async () => {
    await journal.close();
    await pool.end();
  });

  it('is the first thing the write statement does: a one-time filter on its input', async () => {
    await journal.migrate();
    for (const statement of [statements.insert, statements.insertTagged]) {
      const client = await db.admin().connect();
      try {
        await client.query(`SET search_path = "${db.schema}"`);
        const plan = await client.query<{ 'QUERY PLAN': string }>({
          text: `EXPLAIN (VERBOSE, COSTS OFF) ${statement.text}`,
          values: Array.from({ length: 13 }, () => null),
        });
        const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
        // The input CTE's rows come from a Result node whose one-time filter is the lock's
        // InitPlan: it is evaluated once, before the first input row, so before any insert.
        expect(text).toMatch(/CTE input\n\s+->\s+Result\n\s+Output: [^\n]+\n\s+One-Time Filter: \(\$\d+ = 1\)\n\s+InitPlan 1 \(returns \$\d+\)\n\s+->\s+Function Scan on pg_catalog\.pg_advisory_xact_lock_shared/);
      } finally {
        client.release();
      }
    }
  });

  it('is taken before the writing transaction has an id: a writer held back by it has none', async () => {
    await journal.migrate();
    await journal.writeMessages([atomic('Lock|types', [1])]);
    const holder = await db.admin().connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1, $2)', [tables.journalLock[0], tables.journalLock[1]]);
      const write = journal.writeMessages([atomic('Lock|held', [1], { tags: ['t'] })]);
      const waiting = await waitFor('the journal write to wait for the lock', 10_000, async () => {
        const { rows } = await db.admin().query<{ xid: string | null; event: string }>(
          `SELECT backend_xid::text AS xid, wait_event AS event FROM pg_stat_activity
           WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [applicationName],
        );
        return rows[0];
      });
      expect(waiting).toEqual({ xid: null, event: 'advisory' });
      await holder.query('COMMIT');
      expect(await write).toEqual([undefined]);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      holder.release();
    }
    const { rows } = await db.admin().query(`SELECT persistence_id FROM ${tables.journal} WHERE persistence_id = 'Lock|held'`);
    expect(rows).toHaveLength(1);
  });

  it('is taken by the tables too, before the first row: a writer that does not take it (version 3) is held back without an id', async () => {
    await journal.migrate();
    await journal.writeMessages([atomic('Lock|types', [1])]);
    const lockFree = statements.insertTagged.text.replace(journalLockFilter(tables), 'true');
    expect(lockFree).not.toContain('pg_advisory');
    const holder = await db.admin().connect();
    const writer = await pool.connect();
    try {
      const type = await db.admin().query<{ id: number }>(`SELECT id FROM ${tables.eventTypes} LIMIT 1`);
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1, $2)', [tables.journalLock[0], tables.journalLock[1]]);
      const write = writer.query(lockFree, [
        ['Lock|old-writer'], [1], ['w'], [1], [type.rows[0]?.id], ['"x"'], [null], ['{old}'], [null], [null], [null], [null], [null],
      ]);
      const waiting = await waitFor('the lock-free statement to wait for the lock', 10_000, async () => {
        const { rows } = await db.admin().query<{ xid: string | null; event: string }>(
          `SELECT backend_xid::text AS xid, wait_event AS event FROM pg_stat_activity
           WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [applicationName],
        );
        return rows[0];
      });
      expect(waiting).toEqual({ xid: null, event: 'advisory' });
      await holder.query('COMMIT');
      await withDeadline('the lock-free statement', 10_000, write);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      holder.release();
      writer.release();
    }
    const { rows } = await db.admin().query(`SELECT persistence_id FROM ${tables.journal} WHERE persistence_id = 'Lock|old-writer'`);
    expect(rows).toHaveLength(1);
  });

  it('is shared: writers never wait for each other on it', async () => {
    await journal.migrate();
    const holder = await db.admin().connect();
    try {
      await holder.query('BEGIN');
      // A writer's own hold of the lock, as a transaction in flight has it.
      await holder.query('SELECT pg_advisory_xact_lock_shared($1, $2)', [tables.journalLock[0], tables.journalLock[1]]);
      const write = journal.writeMessages([atomic('Lock|shared', [1])]);
      expect(await withDeadline('a write while another transaction holds the lock shared', 10_000, write)).toEqual([undefined]);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });
});
