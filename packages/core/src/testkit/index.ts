export { ActorTestKit, type ActorTestKitOptions } from './ActorTestKit.js';
export { FaultInjectingJournal, type ReplayFaultOptions } from './FaultInjectingJournal.js';
export { FaultInjectingSnapshotStore, type SavedSnapshot } from './FaultInjectingSnapshotStore.js';
export type { FaultOptions } from './FaultSchedule.js';
export { InjectedFault, type FaultKind } from './InjectedFault.js';
export { LogCapture, type LogEntry } from './LogCapture.js';
export { ManualScheduler } from './ManualScheduler.js';
export { TestProbe } from './TestProbe.js';
export {
  EventSourcedBehaviorTestKit,
  type CommandResult,
  type EventSourcedBehaviorTestKitOptions,
  type SerializationChecks,
} from './EventSourcedBehaviorTestKit.js';
export { SerializationCheckFailed } from './SerializationCheckFailed.js';
export {
  EventSourcedSpecification,
  type EventSourcedGiven,
  type EventSourcedWhen,
  type EventSourcedSpecificationOptions,
  type ErrorExpectation,
} from './EventSourcedSpecification.js';
