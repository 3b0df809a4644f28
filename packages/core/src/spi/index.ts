export type { Journal } from './Journal.js';
export type { AtomicWrite, PersistentRepr, SerializedValue } from './PersistentRepr.js';
export {
  SnapshotSelectionCriteria,
  type SelectedSnapshot,
  type SnapshotMetadata,
  type SnapshotStore,
} from './SnapshotStore.js';
export { InvalidPersistenceId, PayloadTooLarge, SequenceConflict, isSequenceConflict } from './errors.js';
