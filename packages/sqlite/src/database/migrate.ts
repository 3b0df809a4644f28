import type Database from 'better-sqlite3';
import { SqliteStoreError } from '../errors/index.js';
import { MIGRATIONS, type Migration } from './migrations.js';

/**
 * Brings the file's schema to the newest version of `migrations`, in one write transaction, so
 * two processes opening a new file at once cannot both migrate it. A file written by a newer
 * schema is refused with both versions named: reading it could silently lose what the newer
 * version stores.
 */
export function migrate(db: Database.Database, path: string, migrations: readonly Migration[] = MIGRATIONS): void {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const check = (current: number) => {
    if (current > latest) {
      throw new SqliteStoreError(
        'migrate',
        path,
        undefined,
        `the file has schema version ${current}, but this @engram/sqlite knows schema versions up to ${latest}: ` +
          `it was written by a newer @engram/sqlite; upgrade @engram/sqlite to open it`,
      );
    }
  };
  const readVersion = () => db.pragma('user_version', { simple: true }) as number;

  const before = readVersion();
  check(before);
  if (before === latest) return;

  const run = db.transaction(() => {
    const current = readVersion();
    check(current);
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      try {
        migration.up(db);
      } catch (error) {
        throw new SqliteStoreError(
          'migrate',
          path,
          undefined,
          `migrating from schema version ${current} to ${migration.version} (${migration.description}) failed: ` +
            `${error instanceof Error ? error.message : String(error)}`,
          error,
        );
      }
      db.pragma(`user_version = ${migration.version}`);
    }
  });
  run.immediate();
}
