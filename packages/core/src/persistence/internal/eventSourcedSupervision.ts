import type { Behavior } from '../../actor/Behavior.js';
import { SuperviseBehavior } from '../../actor/Behavior.js';
import { SupervisorStrategy } from '../../actor/SupervisorStrategy.js';
import { InvalidArgument, isErrorNamed } from '../../errors/index.js';

const storageFailures = ['JournalFailure', 'RecoveryFailed', 'RecoveryTimedOut'];

function isStorageFailure(error: Error): boolean {
  return storageFailures.some((name) => isErrorNamed(error, name));
}

/**
 * Supervises a persistent actor's storage failures with `strategy`, stop by default: as in Akka,
 * a supervisor around the actor never sees them (an outer restart would replay, fail and replay
 * again), and only `onPersistFailure` may bring the actor back. Other failures pass through.
 */
export function eventSourcedSupervision<C>(behavior: Behavior<C>, strategy: SupervisorStrategy | undefined): Behavior<C> {
  if (strategy?.kind === 'resume') {
    throw new InvalidArgument(
      'onPersistFailure',
      'resume',
      'stop, restart or restartWithBackoff: after a storage failure the actor cannot go on with the state it had',
    );
  }
  return new SuperviseBehavior<C>(behavior, strategy ?? SupervisorStrategy.stop(), isStorageFailure);
}
