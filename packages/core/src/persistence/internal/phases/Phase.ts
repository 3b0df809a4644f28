import type { InternalMessage } from '../../../actor/internal/InternalMessage.js';
import type { PhaseName } from '../EventsourcedSetup.js';

/**
 * One phase of a persistent actor's life: RequestingRecoveryPermit -> ReplayingSnapshot ->
 * ReplayingEvents -> Running. A phase handles commands and the engine's internal messages and
 * returns the phase that follows (itself, the next one, or `stoppedPhase`).
 */
export interface Phase<C> {
  readonly name: PhaseName | 'Stopped';
  onCommand(command: C): Phase<C>;
  onInternal(message: InternalMessage): Phase<C>;
}

/** Returned when the actor should stop; the behavior turns it into Behaviors.stopped. */
export const stoppedPhase: Phase<never> = {
  name: 'Stopped',
  onCommand: () => stoppedPhase,
  onInternal: () => stoppedPhase,
};
