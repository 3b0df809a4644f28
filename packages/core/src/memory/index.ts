export { DEFAULT_MAX_PAYLOAD_BYTES, MemoryJournal, type MemoryJournalOptions } from './MemoryJournal.js';
export { MemoryReadJournal } from './MemoryReadJournal.js';
export { MemorySnapshotStore } from './MemorySnapshotStore.js';
export { InvalidSequenceNr, StoreClosed } from './errors.js';
