export { DEFAULT_MAX_PAYLOAD_BYTES, MemoryJournal, type MemoryJournalOptions } from './MemoryJournal.js';
export { MemorySnapshotStore } from './MemorySnapshotStore.js';
export { InvalidSequenceNr, StoreClosed } from './errors.js';
