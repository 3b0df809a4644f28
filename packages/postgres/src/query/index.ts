export { PostgresJournalReader, type PostgresJournalReaderOptions } from './PostgresJournalReader.js';
export { PostgresReadJournal, type PostgresReadJournalOptions } from './PostgresReadJournal.js';
export type { PostgresPosition } from './PostgresPosition.js';
