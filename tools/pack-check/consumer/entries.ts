// Compiled and run in the pack check's project outside the repository, against the installed
// tarballs: every entry point resolves, with its types, through `exports`, and the driver types in
// the stores' public API are the drivers' own. Needs no database server.
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import pg from 'pg';
import * as core from '@engram/core';
import { InvalidArgument, type Journal, type TransactionalOffsetStore } from '@engram/core/spi';
import { ActorTestKit, ManualScheduler } from '@engram/core/testkit';
import { PostgresJournal, PostgresOffsetStore, PostgresSnapshotStore, type PostgresConnection } from '@engram/postgres';
import { SCHEMA_VERSION, SqliteJournal, SqliteOffsetStore, SqliteSnapshotStore } from '@engram/sqlite';
import type { journalTck } from '@engram/tck';

// `any` (what a missing declaration file gives) is never the same as a driver type.
type Same<A, B> = 0 extends 1 & A ? false : [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type TransactionOf<S> = S extends TransactionalOffsetStore<infer T> ? T : never;

// The connection an exactly-once handler writes through is the driver's, fully typed.
const sqliteHandlerGetsDatabase: Same<TransactionOf<SqliteOffsetStore>, Database.Database> = true;
const postgresHandlerGetsPoolClient: Same<TransactionOf<PostgresOffsetStore>, pg.PoolClient> = true;

// A user's own pg.Pool goes in as it is.
const pool = new pg.Pool({ connectionString: 'postgres://engram@127.0.0.1:1/unused', max: 1 });
pool.on('error', () => {});
const connection: PostgresConnection = { pool };
const journals: readonly Journal[] = [new core.MemoryJournal(), new SqliteJournal({ path: ':memory:' }), new PostgresJournal(connection)];
const postgresStores = [new PostgresSnapshotStore(connection), new PostgresOffsetStore(connection)];

// An exactly-once handler's writes, as the @engram/sqlite README shows them.
const offsets = new SqliteOffsetStore({ path: ':memory:' });
const written = await offsets.inTransaction({ name: 'summary', key: '' }, undefined, 'sqlite:1', (db) => {
  db.exec('CREATE TABLE balances (account TEXT PRIMARY KEY, balance INTEGER NOT NULL)');
  return db.prepare('INSERT INTO balances VALUES (?, ?)').run('alice', 100).changes;
});
const stored = await offsets.readProjection({ name: 'summary', key: '' });

const testKit = ActorTestKit.create();

// Types only here: calling the suite registers vitest tests (the check runs it under vitest).
const tckStore: Parameters<typeof journalTck>[0]['name'] = 'MemoryJournal';
const version = (createRequire(import.meta.url)('@engram/core/package.json') as { version: string }).version;

for (const store of [...journals, ...postgresStores, offsets]) await store.close?.();
await pool.end();
await testKit.shutdown();

console.log(
  [
    `entries: @engram/core ${version}, spi (${typeof InvalidArgument}), testkit (${typeof ManualScheduler}), @engram/sqlite (schema ${SCHEMA_VERSION}), @engram/postgres, @engram/tck (${tckStore})`,
    `driver types: ${sqliteHandlerGetsDatabase && postgresHandlerGetsPoolClient}`,
    `sqlite offset store: ${written} row written, offset ${stored.offset ?? 'none'}`,
  ].join('\n'),
);
