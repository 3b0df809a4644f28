/** The range of a `Journal.replayMessages` call as whole numbers a store can put in a query. */
export interface ReplayBounds {
  /** The first sequence nr to replay, at least 1. */
  readonly from: number;
  /** The last sequence nr to replay, at least `from`; `Infinity` becomes `Number.MAX_SAFE_INTEGER`. */
  readonly to: number;
  /** How many events to replay at most, at least 1; `Infinity` becomes `Number.MAX_SAFE_INTEGER`. */
  readonly max: number;
}

/**
 * Normalizes the bounds of `replayMessages(persistenceId, from, to, max, ...)`: `from <= seq <= to`
 * over whole sequence nrs, at most `max` events. Undefined when that replays nothing (`max` below 1,
 * `from` above `to`, or a bound that is NaN), so a store can return before it touches storage.
 * `Infinity` is clamped to the largest integer a number holds exactly, which every store can bind.
 */
export function replayBounds(fromSequenceNr: number, toSequenceNr: number, max: number): ReplayBounds | undefined {
  const from = Math.max(1, Math.ceil(fromSequenceNr));
  const to = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(toSequenceNr));
  const limit = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(max));
  // Written so that NaN, which fails every comparison, replays nothing.
  if (!(limit >= 1 && from <= to)) return undefined;
  return { from, to, max: limit };
}
