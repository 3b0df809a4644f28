export { SqliteSnapshotStore, type SqliteSnapshotStoreOptions } from './SqliteSnapshotStore.js';
