import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describeDriverError, SqliteFileInUse, SqliteStoreError } from '../errors/index.js';
import { isBusy, retryWhileBusy } from './retryWhileBusy.js';

/**
 * How a journal shares its file with other journals: `single` (the default) refuses to open while
 * another journal has the file open; `shared` lets any number of `shared` journals write it.
 */
export type SqliteWriters = 'single' | 'shared';

// Two journals starting at the same moment can each see the other's half-taken lock; a short
// retry lets one of them win. A lock that is held (by a journal that is open) stays held, so a
// longer wait would only block the event loop for nothing.
const CONTENTION_WAIT_MS = 1000;

/**
 * Who writes a journal file, kept in a sidecar SQLite file `<file>-engram-lock` by SQLite's own
 * file locks: a `single` journal keeps an exclusive transaction open on it for its lifetime, a
 * `shared` one a read transaction. The operating system drops the locks of a process that dies
 * (even by `kill -9`), so nothing stale is left behind. Readers of the journal file never touch
 * the sidecar. The sidecar file itself stays (a few bytes): deleting it while a journal starts
 * could let two journals lock two different files.
 */
export class WriterLock {
  readonly #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Takes the lock for the database file `path` (which may not exist yet; its directory must). */
  static acquire(path: string, writers: SqliteWriters, busyTimeoutMs: number): WriterLock {
    const lockPath = lockFileOf(path);
    let db: Database.Database;
    try {
      db = new Database(lockPath, { timeout: 0 });
    } catch (error) {
      throw new SqliteStoreError('open', path, undefined, `cannot open the lock file ${lockPath}: ${describeDriverError(error)}`, error);
    }
    try {
      retryWhileBusy(() => lock(db, writers), Math.min(busyTimeoutMs, CONTENTION_WAIT_MS));
      return new WriterLock(db);
    } catch (error) {
      db.close();
      if (isBusy(error)) throw new SqliteFileInUse(path, lockPath, writers, error);
      throw new SqliteStoreError('open', path, undefined, `cannot lock the lock file ${lockPath}: ${describeDriverError(error)}`, error);
    }
  }

  /** Closing the connection ends its transaction, which releases the lock. */
  release(): void {
    this.#db.close();
  }
}

function lock(db: Database.Database, writers: SqliteWriters): void {
  try {
    // No rollback journal next to the sidecar: nothing is ever written to it.
    db.pragma('journal_mode = MEMORY');
    if (writers === 'single') {
      db.exec('BEGIN EXCLUSIVE');
    } else {
      db.exec('BEGIN');
      db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
    }
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** `<file>-engram-lock` next to the real file, so two paths to one file (a symlink, `./`) share it. */
function lockFileOf(path: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    real = join(realpathSync(dirname(resolve(path))), basename(path));
  }
  return `${real}-engram-lock`;
}
