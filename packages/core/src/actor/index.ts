export type { ActorContext } from './ActorContext.js';
export type { ActorRef } from './ActorRef.js';
export {
  ActorSystem,
  type ActorRefResolver,
  type ActorSystemConfig,
  type ExtensionId,
} from './ActorSystem.js';
export { ask, type AskOptions, type ReplyOf } from './ask.js';
export { Behavior, type BehaviorResult, type MessageHandler, type SignalHandler } from './Behavior.js';
export { Behaviors, type Supervise } from './Behaviors.js';
export { DeadLetters, type DeadLetter, type DeadLetterReason } from './DeadLetters.js';
export {
  ActorSystemTerminated,
  AskTimeout,
  DeathPactError,
  IllegalActorOperation,
  InvalidActorName,
  InvalidMessage,
  NonErrorFailure,
  RecipientTerminated,
  StashOverflow,
} from './errors.js';
export { ConsoleLogger, type ConsoleLoggerOptions, type Logger, type LogLevel } from './Logger.js';
export { SystemScheduler, type Cancellable, type Scheduler } from './Scheduler.js';
export { PostStop, PreRestart, type Signal, type Terminated } from './Signal.js';
export type { StashBuffer } from './StashBuffer.js';
export {
  SupervisorStrategy,
  type BackoffOptions,
  type BackoffStrategy,
  type RestartOptions,
  type RestartStrategy,
  type ResumeStrategy,
  type StopStrategy,
} from './SupervisorStrategy.js';
export type { TimerScheduler } from './TimerScheduler.js';
