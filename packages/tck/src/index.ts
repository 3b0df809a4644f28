export { journalTck } from './journalTck.js';
export type { JournalCapabilities, JournalTckOptions } from './JournalTckOptions.js';
export { readJournalTck } from './readJournalTck.js';
export type { ReadJournalSettings, ReadJournalTckOptions, TortureWriter } from './ReadJournalTckOptions.js';
export { snapshotStoreTck } from './snapshotStoreTck.js';
export type { SnapshotStoreCapabilities, SnapshotStoreTckOptions } from './SnapshotStoreTckOptions.js';
