import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresJournal } from '../journal/PostgresJournal.js';
import { atomic } from '../testing/events.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { Database } from './Database.js';
import type { PostgresConnection } from './PostgresConnection.js';
import { tablesFor } from './Tables.js';

const db = await postgresForTests('connection');

/** What the server says the given settings are on a connection of the store's pool. */
async function settingsOn(connection: PostgresConnection): Promise<Record<string, string>> {
  const database = new Database(connection);
  try {
    return await database.withClient('connect', [], async (client) => {
      const settings: Record<string, string> = {};
      for (const name of ['statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout']) {
        const result = await client.query<Record<string, string>>(`SHOW ${name}`);
        settings[name] = result.rows[0]?.[name] ?? '(none)';
      }
      return settings;
    });
  } finally {
    await database.close();
  }
}

describe.skipIf(!db.available)('the connections of a PostgreSQL store', () => {
  it('run with a statement, lock and idle-in-transaction timeout by default', async () => {
    expect(await settingsOn({ connectionString: db.url })).toEqual({
      statement_timeout: '30s',
      lock_timeout: '10s',
      idle_in_transaction_session_timeout: '1min',
    });
  });

  it('run with the timeouts the user sets, and 0 leaves a setting to the server', async () => {
    const server = await db.admin().query<{ idle: string }>("SELECT current_setting('idle_in_transaction_session_timeout') AS idle");
    expect(
      await settingsOn({ connectionString: db.url, statementTimeoutMs: 1500, lockTimeoutMs: 250, idleInTransactionTimeoutMs: 0 }),
    ).toEqual({ statement_timeout: '1500ms', lock_timeout: '250ms', idle_in_transaction_session_timeout: server.rows[0]?.idle });
  });

  it("keep a user's pool as it is configured", async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1, statement_timeout: 4000 });
    pool.on('error', () => {});
    try {
      const server = await db.admin().query<{ lock: string }>("SELECT current_setting('lock_timeout') AS lock");
      expect(await settingsOn({ pool })).toMatchObject({ statement_timeout: '4s', lock_timeout: server.rows[0]?.lock });
    } finally {
      await pool.end();
    }
  });

  describe('a write waiting for a lock another connection holds', () => {
    const journal = new PostgresJournal({ connectionString: db.url, schema: db.schema, lockTimeoutMs: 200 });
    afterAll(() => journal.close());

    it('fails with PostgresStoreError after lockTimeoutMs instead of waiting on', async () => {
      await journal.migrate();
      const blocker = await db.admin().connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query(`LOCK TABLE ${tablesFor(db.schema).streams} IN ACCESS EXCLUSIVE MODE`);
        const failure = await withDeadline(
          journal.writeMessages([atomic('Locked|1', [1])]).then(
            () => undefined,
            (error: unknown) => error,
          ),
          20_000,
          'the write blocked by the lock was still waiting',
        );
        expect(failure).toMatchObject({ name: 'PostgresStoreError', code: '55P03', operation: 'writeMessages' });
        expect((failure as Error).message).toMatch(/lock timeout/);
        expect((failure as Error).message).toContain('"Locked|1"');
      } finally {
        await blocker.query('ROLLBACK');
        blocker.release();
      }
      // the journal goes on once the lock is gone
      expect(await journal.writeMessages([atomic('Locked|1', [1])])).toEqual([undefined]);
    });
  });
});

/** `promise`, or a rejection naming what was still pending after `ms`. */
async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
