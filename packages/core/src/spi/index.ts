export { EngramError, InvalidArgument, isErrorNamed } from '../errors/index.js';
export type { Journal } from './Journal.js';
export type { AtomicWrite, PersistentRepr, SerializedValue } from './PersistentRepr.js';
export { replayBounds, type ReplayBounds } from './replayBounds.js';
export {
  SnapshotSelectionCriteria,
  type SelectedSnapshot,
  type SnapshotMetadata,
  type SnapshotStore,
} from './SnapshotStore.js';
export type { StoreOperation } from './StoreOperation.js';
export {
  InvalidPersistenceId,
  InvalidWrite,
  PayloadTooLarge,
  SequenceConflict,
  isSequenceConflict,
} from './errors.js';
