import { EngramError } from '../errors/index.js';

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * A view could not start: its snapshot could not be loaded or read, or an event it follows cannot
 * be read (skipping it would lose it). The view stops (a supervisor may restart it).
 */
export class ViewRecoveryFailed extends EngramError {
  override readonly name = 'ViewRecoveryFailed';

  constructor(
    readonly viewId: string,
    readonly what: string,
    cause: unknown,
  ) {
    super(`persistent view ${JSON.stringify(viewId)}: ${what}; the view stops: ${messageOf(cause)}`, cause);
  }
}

/**
 * A view's query failed (the store is unreachable): logged, and the view reads again from its
 * position after `autoUpdateIntervalMs`, so nothing is lost or applied twice.
 */
export class ViewQueryFailed extends EngramError {
  override readonly name = 'ViewQueryFailed';

  constructor(
    readonly viewId: string,
    readonly retryInMs: number,
    cause: unknown,
  ) {
    super(`persistent view ${JSON.stringify(viewId)}: reading events failed; reading again in ${retryInMs} ms: ${messageOf(cause)}`, cause);
  }
}

/** A view's member was used where it cannot be (outside the view's actor, or before it started). */
export class IllegalViewOperation extends EngramError {
  override readonly name = 'IllegalViewOperation';

  constructor(viewId: string, what: string) {
    super(`persistent view ${JSON.stringify(viewId)}: ${what}`);
  }
}
