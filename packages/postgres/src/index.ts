export type { PostgresConnection, PostgresStoreOptions } from './database/index.js';
export { InvalidWrite, PostgresStoreError, SchemaVersionTooNew, type PostgresOperation } from './errors/index.js';
export { PostgresJournal, defaultMaxPayloadBytes, type PostgresJournalOptions } from './journal/index.js';
export { PostgresOffsetStore, type PostgresOffsetStoreOptions } from './projection/index.js';
export {
  PostgresJournalReader,
  PostgresReadJournal,
  type PostgresJournalReaderOptions,
  type PostgresPosition,
  type PostgresReadJournalOptions,
} from './query/index.js';
export {
  PostgresSnapshotStore,
  defaultMaxSnapshotBytes,
  type PostgresSnapshotStoreOptions,
} from './snapshot/index.js';
