export {
  PostgresSnapshotStore,
  defaultMaxSnapshotBytes,
  type PostgresSnapshotStoreOptions,
} from './PostgresSnapshotStore.js';
