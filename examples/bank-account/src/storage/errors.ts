import { EngramError } from '@engram/core';

/** The store did not answer a probe: unreachable, failing, or slower than the deadline. */
export class StoreUnavailable extends EngramError {
  override readonly name = 'StoreUnavailable';

  constructor(
    readonly store: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`the store (${store}) ${reason}`, cause);
  }
}

/**
 * The store holds accounts written by an earlier version of this example, which listed every
 * account in one directory actor. This version does not read that directory; it refuses to start
 * rather than serve those accounts as if they did not exist.
 */
export class LegacyAccountDirectory extends EngramError {
  override readonly name = 'LegacyAccountDirectory';

  constructor(
    readonly store: string,
    readonly accounts: number,
  ) {
    super(
      `the store (${store}) holds ${accounts} ${accounts === 1 ? 'account' : 'accounts'} written by an earlier version of this example ` +
        `(in the account directory, persistenceId AccountDirectory), which this version does not read: nothing was changed. ` +
        'Start this version on an empty store (another DATA_DIR, or another ENGRAM_POSTGRES_SCHEMA), ' +
        'or keep running the earlier version on this one',
    );
  }
}
