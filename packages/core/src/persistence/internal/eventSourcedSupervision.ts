import type { Behavior } from '../../actor/Behavior.js';
import { SuperviseBehavior } from '../../actor/Behavior.js';
import type { SupervisorStrategy } from '../../actor/SupervisorStrategy.js';
import { isErrorNamed } from '../../errors/index.js';

const storageFailures = ['JournalFailure', 'RecoveryFailed', 'RecoveryTimedOut'];

/** Supervises a persistent actor's storage failures with `strategy` (other failures pass through). */
export function eventSourcedSupervision<C>(behavior: Behavior<C>, strategy: SupervisorStrategy | undefined): Behavior<C> {
  if (strategy === undefined) return behavior;
  return new SuperviseBehavior<C>(behavior, strategy, (error) => storageFailures.some((name) => isErrorNamed(error, name)));
}
