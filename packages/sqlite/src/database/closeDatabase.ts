import type Database from 'better-sqlite3';
import { SqliteStoreError } from '../errors/index.js';

/**
 * Closes a store's connection after `PRAGMA optimize` (refreshes the planner's statistics). Closes
 * even when optimize fails, then reports the first failure as a SqliteStoreError naming the file.
 */
export function closeDatabase(db: Database.Database, path: string): void {
  let failure: unknown;
  try {
    db.pragma('optimize');
  } catch (error) {
    failure = error;
  }
  try {
    db.close();
  } catch (error) {
    failure ??= error;
  }
  if (failure !== undefined) throw SqliteStoreError.wrap('close', path, undefined, failure);
}
