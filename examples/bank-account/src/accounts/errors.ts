import { EngramError } from '@engram/core';

/**
 * An account could not answer: it did not within the ask timeout, its write failed, or it is
 * stopping with too many requests waiting. The request may be retried (a deposit or withdrawal
 * with the same Idempotency-Key is then applied once).
 */
export class AccountUnavailable extends EngramError {
  override readonly name = 'AccountUnavailable';

  constructor(
    readonly id: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`account ${id} is unavailable: ${reason}`, cause);
  }
}
