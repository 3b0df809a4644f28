export { Effect, type EffectKind } from './Effect.js';
export {
  DuplicatePersistenceId,
  EventHandlerFailed,
  EventNotSerializable,
  EventRejected,
  IllegalPersistenceOperation,
  JournalContractViolation,
  JournalFailure,
  type PersistFailure,
  RecoveryFailed,
  RecoveryTimedOut,
  SnapshotNotSerializable,
} from './errors.js';
export { eventSourced, type EventSourcedSettings } from './eventSourced.js';
export type { EventSourcedSignal } from './EventSourcedSignal.js';
export type { InspectionEvent, InspectionListener } from './Inspection.js';
export { Persistence, type PersistenceSettings } from './Persistence.js';
export type { PersistenceConfig } from './PersistenceConfig.js';
export { PersistentActor, persistentActor, type PersistentActorOptions } from './PersistentActor.js';
export { Recovery, type RecoveryOptions } from './Recovery.js';
export { RecoveryCompleted, type PersistenceResponse, type SnapshotOffer } from './responses.js';
export { RetentionCriteria } from './RetentionCriteria.js';
