export { SCHEMA_VERSION, type SqliteConnectionOptions, type SqliteWriters } from './database/index.js';
export { InvalidAtomicWrite, InvalidWrite, SqliteFileInUse, SqliteStoreError, type SqliteOperation } from './errors/index.js';
export { SqliteJournal, type SqliteJournalOptions } from './journal/index.js';
export { SqliteOffsetStore, type SqliteOffsetStoreOptions } from './projection/index.js';
export { SqliteReadJournal, type SqliteReadJournalOptions } from './query/index.js';
export { SqliteSnapshotStore, type SqliteSnapshotStoreOptions } from './snapshot/index.js';
