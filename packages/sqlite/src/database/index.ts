export { closeDatabase } from './closeDatabase.js';
export { migrate } from './migrate.js';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
export { openDatabase, type ConnectionTuning } from './openDatabase.js';
export {
  resolveConnectionOptions,
  type ResolvedConnectionOptions,
  type SqliteConnectionOptions,
} from './SqliteOptions.js';
