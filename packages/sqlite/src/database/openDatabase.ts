import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStoreError } from '../errors/index.js';
import { migrate } from './migrate.js';
import { isBusy, retryWhileBusy } from './retryWhileBusy.js';
import type { ResolvedConnectionOptions } from './SqliteOptions.js';

export interface ConnectionTuning {
  /** WAL pages between automatic checkpoints. */
  readonly walAutocheckpoint: number;
}

/**
 * Opens (creating if needed) an Engram SQLite file: WAL mode, the requested durability, the
 * schema migrated to the current version. Any number of processes may open one new file at once:
 * each waits up to `busyTimeoutMs` for the others' locks. Any problem becomes a
 * `SqliteStoreError` naming the path, and the half-opened connection is closed.
 */
export function openDatabase(options: ResolvedConnectionOptions, tuning: ConnectionTuning): Database.Database {
  const { path } = options;
  prepareDatabasePath(path);

  let db: Database.Database | undefined;
  try {
    const opened = new Database(path, { timeout: options.busyTimeoutMs });
    db = opened;
    // Switching a new file to WAL takes its write lock after reading it: a process that loses that
    // race to another one opening the file gets SQLITE_BUSY without SQLite's busy wait, so the
    // wait is done here, within the same timeout.
    retryWhileBusy(() => opened.pragma('journal_mode = WAL'), options.busyTimeoutMs);
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma(`cache_size = ${-Math.max(1, Math.round(options.cacheSizeMiB * 1024))}`);
    db.pragma(`mmap_size = ${Math.max(0, Math.round(options.mmapSizeMiB * 1024 * 1024))}`);
    db.pragma(`wal_autocheckpoint = ${tuning.walAutocheckpoint}`);
    // Without a limit the WAL file keeps its largest size forever after a burst.
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  } catch (error) {
    db?.close();
    throw new SqliteStoreError('open', path, undefined, openProblem(error, options.busyTimeoutMs), error);
  }
  try {
    migrate(db, path);
  } catch (error) {
    db.close();
    throw SqliteStoreError.wrap('migrate', path, undefined, error);
  }
  return db;
}

/**
 * Checks the path and creates its missing parent directories (the example app's
 * `./data/engram.db` needs no setup).
 */
export function prepareDatabasePath(path: string): void {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new SqliteStoreError('open', String(path), undefined, 'the path is empty: pass the database file, e.g. { path: "./data/engram.db" }');
  }
  if (path !== ':memory:') prepareLocation(path);
}

function prepareLocation(path: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // does not exist yet: SQLite creates it
  }
  if (isDirectory) throw new SqliteStoreError('open', path, undefined, 'the path is a directory, not a database file');
  const parent = dirname(resolve(path));
  try {
    mkdirSync(parent, { recursive: true });
  } catch (error) {
    throw new SqliteStoreError('open', path, undefined, `cannot create the directory ${parent}: ${message(error)}`, error);
  }
}

function openProblem(error: unknown, busyTimeoutMs: number): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (isBusy(error)) {
    const problem = `${message(error)} (${String(code)})`;
    return `another connection kept the file locked for longer than busyTimeoutMs (${busyTimeoutMs} ms): ${problem}`;
  }
  if (code === 'SQLITE_NOTADB') return 'the file is not a SQLite database (or it is encrypted or damaged)';
  if (code === 'SQLITE_CORRUPT') return 'the database file is damaged';
  if (code === 'SQLITE_CANTOPEN') return `cannot open the file: ${message(error)}`;
  return message(error) + (typeof code === 'string' ? ` (${code})` : '');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
