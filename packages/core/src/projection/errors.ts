import { EngramError } from '../errors/index.js';
import type { ProjectionId } from '../spi/OffsetStore.js';

/** `account-summary`, or `account-summary[eu-west]` for an instance with a key. */
export function describeProjection(id: ProjectionId): string {
  return id.key === '' ? id.name : `${id.name}[${id.key}]`;
}

/**
 * The handler threw (or its Promise rejected) on an envelope and the recovery strategy gave up:
 * the projection run fails and restarts from its stored offset.
 */
export class ProjectionHandlerFailed extends EngramError {
  override readonly name = 'ProjectionHandlerFailed';

  constructor(
    readonly projection: ProjectionId,
    /** `persistenceId:sequenceNr` of the envelope (the first of a group). */
    readonly envelopeId: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `projection ${describeProjection(projection)}: the handler failed on envelope ${envelopeId}` +
        `${attempts > 1 ? ` (${attempts} attempts)` : ''}: ${messageOf(cause)}`,
      cause,
    );
  }
}

/** Reading the projection's source (or its stored offset) failed; the run restarts with backoff. */
export class ProjectionSourceFailed extends EngramError {
  override readonly name = 'ProjectionSourceFailed';

  constructor(
    readonly projection: ProjectionId,
    readonly operation: string,
    cause: unknown,
  ) {
    super(`projection ${describeProjection(projection)}: ${operation} failed: ${messageOf(cause)}`, cause);
  }
}

/** A management call on a projection that was stopped (or whose actor system terminated). */
export class ProjectionStopped extends EngramError {
  override readonly name = 'ProjectionStopped';

  constructor(
    readonly projection: ProjectionId,
    readonly operation: string,
  ) {
    super(`projection ${describeProjection(projection)} is stopped; cannot ${operation}`);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
