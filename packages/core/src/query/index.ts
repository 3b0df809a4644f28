export { EventNotReadable, InvalidOffset, QueryUnavailable } from './errors.js';
export { envelopeId, type EventEnvelope } from './EventEnvelope.js';
export { Offset } from './Offset.js';
export { PersistenceQuery, type SystemReadJournalOptions } from './PersistenceQuery.js';
export { ReadJournal, type QueryOptions, type ReadJournalOptions } from './ReadJournal.js';
