export { SqliteJournal, type SqliteJournalOptions } from './SqliteJournal.js';
