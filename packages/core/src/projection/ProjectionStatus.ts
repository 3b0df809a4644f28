/** `failed`: the run failed and waits to restart (or stopped on an offset conflict); see `lastError`. */
export type ProjectionState = 'running' | 'paused' | 'stopped' | 'failed';

/** The latest handler, source or store failure of a projection. */
export interface ProjectionError {
  readonly message: string;
  /** `persistenceId:sequenceNr` of the envelope the handler failed on (the first of a group). */
  readonly envelopeId?: string;
  /** When it happened, ms since the epoch on the system's clock. */
  readonly at: number;
}

/** What `running.status()` reports. */
export interface ProjectionStatus {
  readonly name: string;
  readonly key: string;
  readonly state: ProjectionState;
  /**
   * The offset of the last envelope handled (the stored one before the first). For at-least-once
   * it runs ahead of the stored offset until the next save.
   */
  readonly offset: string | undefined;
  /** Events in the source after `offset`; undefined when the source cannot count (no `backlog`). */
  readonly lagEvents: number | undefined;
  /** True when there are more than `lagEvents`: counting stopped at the projection's `lagCountLimit`. */
  readonly lagCapped: boolean;
  /** Now minus the write time of the oldest event not handled yet; 0 when caught up. */
  readonly lagMs: number | undefined;
  readonly lastError?: ProjectionError;
  /** Events wait (lag > 0) and nothing was handled for the projection's `stalledAfterMs`. */
  readonly stalled: boolean;
}
