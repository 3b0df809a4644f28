export { SqliteReadJournal, type SqliteReadJournalOptions } from './SqliteReadJournal.js';
