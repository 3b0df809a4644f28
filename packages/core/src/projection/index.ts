export type { Backlog, BacklogOptions } from '../query/ReadJournal.js';
export { ProjectionHandlerFailed, ProjectionSourceFailed, ProjectionStopped } from './errors.js';
export { HandlerRecovery, type HandlerRecoveryStrategy } from './HandlerRecovery.js';
export { MemoryOffsetStore } from './MemoryOffsetStore.js';
export {
  Projection,
  type AtLeastOnceSettings,
  type AtMostOnceSettings,
  type ExactlyOnceSettings,
  type GroupedSettings,
  type ProjectionKind,
  type ProjectionSettings,
  type RestartBackoff,
} from './Projection.js';
export { ProjectionBehavior, type ProjectionCommand, type ProjectionReply } from './ProjectionBehavior.js';
export type { ProjectionError, ProjectionState, ProjectionStatus } from './ProjectionStatus.js';
export { runProjection, RunningProjection, type RunProjectionOptions } from './runProjection.js';
export { SourceProvider, type SourceOptions } from './SourceProvider.js';
