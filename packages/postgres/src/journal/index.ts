export { PostgresJournal, defaultMaxPayloadBytes, type PostgresJournalOptions } from './PostgresJournal.js';
