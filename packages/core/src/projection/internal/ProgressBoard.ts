import type { Offset } from '../../query/Offset.js';
import type { ProjectionError } from '../ProjectionStatus.js';

/**
 * What a projection's runner reports to the projection's actor, which reads it for the status.
 * Written by the runner only; one board per projection actor, handed to each runner it spawns,
 * so reporting progress costs no message per envelope.
 */
export interface ProgressBoard {
  /** Text of the last handled offset, or the stored one the run started from; undefined at the start. */
  offset: string | undefined;
  position: Offset | undefined;
  /** When an envelope was last handled (or the projection was started or resumed). */
  progressAt: number;
  /** The run failed and waits to restart. */
  failing: boolean;
  lastError: ProjectionError | undefined;
}
