export { EngramError, InvalidArgument, isErrorNamed } from '../errors/index.js';
export type { Journal } from './Journal.js';
export type { GlobalPage, GlobalQuery, JournalReader, PositionedEvent } from './JournalReader.js';
export type { OffsetStore, ProjectionId, StoredProjection, TransactionalOffsetStore } from './OffsetStore.js';
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
  OffsetConflict,
  PayloadTooLarge,
  SequenceConflict,
  isSequenceConflict,
} from './errors.js';
// A store's read journal is core's ReadJournal over the store's JournalReader.
export { ReadJournal, type ReadJournalOptions } from '../query/ReadJournal.js';
