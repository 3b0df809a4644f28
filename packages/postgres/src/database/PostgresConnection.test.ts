import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresJournal } from '../journal/PostgresJournal.js';
import { PostgresSnapshotStore } from '../snapshot/PostgresSnapshotStore.js';
import { Database } from './Database.js';
import { poolConfigFor, type PostgresConnection } from './PostgresConnection.js';

// Constructing a pool opens no connection, so these need no server.
const url = 'postgres://engram@127.0.0.1:1/none';

describe('the pool a PostgreSQL store creates', () => {
  it('has timeouts and TCP keepalive by default', () => {
    expect(poolConfigFor({ connectionString: url })).toEqual({
      connectionString: url,
      application_name: 'engram',
      max: 10,
      connectionTimeoutMillis: 10_000,
      statement_timeout: 30_000,
      lock_timeout: 10_000,
      idle_in_transaction_session_timeout: 60_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
  });

  it('takes the values the user gives, 0 included', async () => {
    const db = new Database({
      connectionString: url,
      poolSize: 3,
      connectTimeoutMs: 500,
      statementTimeoutMs: 0,
      lockTimeoutMs: 250,
      idleInTransactionTimeoutMs: 1_000,
      keepAlive: false,
      keepAliveInitialDelayMs: 0,
    });
    expect(db.pool.options).toMatchObject({
      max: 3,
      connectionTimeoutMillis: 500,
      statement_timeout: 0,
      lock_timeout: 250,
      idle_in_transaction_session_timeout: 1_000,
      keepAlive: false,
      keepAliveInitialDelayMillis: 0,
    });
    await db.close();
  });

  it.each([
    ['statementTimeoutMs', -1, 'statementTimeoutMs must be a whole number from 0 to 2147483647, got -1'],
    ['lockTimeoutMs', '10s', 'lockTimeoutMs must be a whole number from 0 to 2147483647, got "10s"'],
    ['idleInTransactionTimeoutMs', Number.NaN, 'idleInTransactionTimeoutMs must be a whole number from 0 to 2147483647, got NaN'],
    ['connectTimeoutMs', 1.5, 'connectTimeoutMs must be a whole number from 1 to 2147483647, got 1.5'],
    ['connectTimeoutMs', 0, 'connectTimeoutMs must be a whole number from 1 to 2147483647, got 0'],
    ['keepAliveInitialDelayMs', Infinity, 'keepAliveInitialDelayMs must be a whole number from 0 to 2147483647, got Infinity'],
    ['statementTimeoutMs', 2 ** 31, 'statementTimeoutMs must be a whole number from 0 to 2147483647, got 2147483648'],
    ['poolSize', 0, 'poolSize must be a whole number from 1 to 2147483647, got 0'],
    ['keepAlive', 'yes', 'keepAlive must be true or false, got "yes"'],
    ['connectionString', '', 'connectionString must be a non-empty string (or pass your own pool as `pool`), got ""'],
  ])('refuses a bad %s with InvalidArgument naming it and the value', (name, value, message) => {
    const connection = { connectionString: url, [name]: value } as unknown as PostgresConnection;
    for (const create of [() => new PostgresJournal(connection), () => new PostgresSnapshotStore(connection)]) {
      expect(create).toThrow(message);
      expect(create).toThrow(expect.objectContaining({ name: 'InvalidArgument', argument: name, value }));
    }
  });
});

describe('a pool the user passes', () => {
  it('is used as configured: the store sets nothing on it', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const db = new Database({ pool });
    expect(db.pool).toBe(pool);
    expect(pool.options).not.toHaveProperty('statement_timeout');
    expect(pool.options).not.toHaveProperty('lock_timeout');
    expect(pool.options).not.toHaveProperty('keepAlive');
    await db.close();
    await pool.end();
  });

  it.each([
    ['statementTimeoutMs', 5_000],
    ['lockTimeoutMs', 1_000],
    ['keepAlive', true],
    ['poolSize', 4],
    ['connectionString', url],
  ])('refuses %s next to it, instead of ignoring it', async (name, value) => {
    const pool = new pg.Pool({ connectionString: url });
    const connection = { pool, [name]: value } as unknown as PostgresConnection;
    expect(() => new PostgresJournal(connection)).toThrow(
      `${name} must be left out when you pass your own pool: the store uses that pool as configured, so set it there`,
    );
    expect(() => new PostgresSnapshotStore(connection)).toThrow(expect.objectContaining({ name: 'InvalidArgument', argument: name }));
    await pool.end();
  });
});
