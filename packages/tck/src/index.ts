export { journalTck } from './journalTck.js';
export type { JournalCapabilities, JournalTckOptions } from './JournalTckOptions.js';
export { snapshotStoreTck } from './snapshotStoreTck.js';
export type { SnapshotStoreCapabilities, SnapshotStoreTckOptions } from './SnapshotStoreTckOptions.js';
