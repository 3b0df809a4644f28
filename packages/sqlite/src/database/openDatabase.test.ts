import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../journal/index.js';
import { SqliteSnapshotStore } from '../snapshot/index.js';
import { atomic, tempDatabase } from '../testing/fixtures.test-support.js';
import { migrate } from './migrate.js';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function fresh() {
  const db = tempDatabase();
  cleanups.push(db.remove);
  return db;
}

function raw(path: string): Database.Database {
  const db = new Database(path);
  cleanups.push(() => void db.close());
  return db;
}

describe('opening an Engram SQLite file', () => {
  it('creates the schema at the current version, in WAL mode, creating missing parent directories', async () => {
    const { dir } = fresh();
    const path = join(dir, 'data', 'nested', 'engram.db');
    const journal = new SqliteJournal({ path });
    const snapshots = new SqliteSnapshotStore({ path });
    cleanups.push(() => journal.close(), () => snapshots.close());
    const db = raw(path);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['events', 'event_index', 'event_index_recent', 'event_tags', 'snapshots', 'streams', 'tags']));
  });

  it('reopens a file it wrote without migrating again and keeps the data', async () => {
    const { path } = fresh();
    const first = new SqliteJournal({ path, synchronous: 'full' });
    await first.writeMessages([atomic('kept', 1, 2)]);
    await first.close();
    const second = new SqliteJournal({ path });
    cleanups.push(() => second.close());
    expect(await second.readHighestSequenceNr('kept', 0)).toBe(2);
  });

  it('migrates a file written at an older schema version, keeping its rows', () => {
    const { path } = fresh();
    const db = raw(path);
    const v1: readonly Migration[] = MIGRATIONS.slice(0, 1);
    migrate(db, path, v1);
    db.prepare("INSERT INTO streams (persistence_id, highest_seq_nr) VALUES ('old', 3)").run();
    const v2: readonly Migration[] = [
      ...v1,
      {
        version: 2,
        description: 'streams get a created_at',
        up: (d) => d.exec('ALTER TABLE streams ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0'),
      },
    ];
    migrate(db, path, v2);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT persistence_id, highest_seq_nr, created_at FROM streams').get()).toEqual({
      persistence_id: 'old',
      highest_seq_nr: 3,
      created_at: 0,
    });
  });

  it('rolls back a failing migration and names the versions', () => {
    const { path } = fresh();
    const db = raw(path);
    const broken: readonly Migration[] = [
      ...MIGRATIONS.slice(0, 1),
      { version: 2, description: 'broken step', up: (d) => d.exec('ALTER TABLE no_such_table ADD COLUMN x') },
    ];
    expect(() => migrate(db, path, broken)).toThrow(
      /SQLite migrate failed on .*engram\.db: migrating from schema version 0 to 2 \(broken step\) failed: no such table/,
    );
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'events'").pluck().get()).toBe(0);
  });

  it('refuses a file written by a newer schema version, naming both versions and the path', () => {
    const { path } = fresh();
    const newer = new Database(path);
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    const error = catchError(() => new SqliteJournal({ path }));
    expect(error.name).toBe('SqliteStoreError');
    expect(error.message).toContain(path);
    expect(error.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(error.message).toContain(`up to ${SCHEMA_VERSION}`);
    expect(() => new SqliteSnapshotStore({ path })).toThrow(/newer @engram\/sqlite/);
  });

  it('refuses a file that is not a SQLite database, naming the path', () => {
    const { path } = fresh();
    writeFileSync(path, 'this is a text file, not a database\n'.repeat(200));
    const error = catchError(() => new SqliteJournal({ path }));
    expect(error.name).toBe('SqliteStoreError');
    expect(error.message).toBe(
      `SQLite open failed on ${path}: the file is not a SQLite database (or it is encrypted or damaged)`,
    );
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('refuses a directory and an empty path with a clear message', () => {
    const { dir } = fresh();
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    expect(() => new SqliteJournal({ path: folder })).toThrow(`SQLite open failed on ${folder}: the path is a directory`);
    expect(() => new SqliteJournal({ path: '' })).toThrow(/the path is empty/);
  });

  it('fails with the busy timeout named when another connection keeps a new file locked while it is switched to WAL', () => {
    const { path } = fresh();
    // a file still in SQLite's rollback mode whose write lock is held, as by another process
    // that is switching it to WAL at this moment
    const holder = raw(path);
    holder.exec('BEGIN IMMEDIATE');
    const error = catchError(() => new SqliteJournal({ path, busyTimeoutMs: 50 }));
    holder.exec('ROLLBACK');
    expect(error.name).toBe('SqliteStoreError');
    expect(error.message).toBe(
      `SQLite open failed on ${path}: another connection kept the file locked for longer than busyTimeoutMs (50 ms): ` +
        'database is locked (SQLITE_BUSY)',
    );
    // once the lock is free the file opens
    const journal = new SqliteJournal({ path, busyTimeoutMs: 50 });
    cleanups.push(() => journal.close());
  });

  it('refuses a bad option value, naming it', () => {
    const { path } = fresh();
    expect(() => new SqliteJournal({ path, maxPayloadBytes: 0 })).toThrow(/option maxPayloadBytes must be a positive integer, got 0/);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-error: ${String(error)}`);
  }
  throw new Error('did not throw');
}
