import { EngramError } from '@engram/core';

/**
 * Per-write rejection: the AtomicWrite cannot be stored as given (empty or oversized
 * persistenceId, a non-integer sequence nr, text PostgreSQL cannot hold, ...). Nothing of it was
 * stored; the other writes of the call are unaffected.
 */
export class InvalidWrite extends EngramError {
  override readonly name = 'InvalidWrite';

  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number | undefined,
    readonly reason: string,
  ) {
    super(
      `cannot store ${sequenceNr === undefined ? 'write' : `event ${sequenceNr}`} of persistenceId ` +
        `${JSON.stringify(persistenceId)}: ${reason}; nothing of this write was stored`,
    );
  }
}
