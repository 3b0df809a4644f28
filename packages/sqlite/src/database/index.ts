export { closeDatabase } from './closeDatabase.js';
export { migrate } from './migrate.js';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
export { openDatabase, prepareDatabasePath, type ConnectionTuning } from './openDatabase.js';
export {
  resolveConnectionOptions,
  type ResolvedConnectionOptions,
  type SqliteConnectionOptions,
} from './SqliteOptions.js';
export { WriterLock, type SqliteWriters } from './WriterLock.js';
