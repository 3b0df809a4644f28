import { EngramError } from '../errors/index.js';

/** A call reached an in-memory store after its `close()`. */
export class StoreClosed extends EngramError {
  override readonly name = 'StoreClosed';

  constructor(
    readonly store: string,
    readonly operation: string,
    readonly persistenceId: string | undefined,
  ) {
    super(
      `${store}.${operation}` +
        (persistenceId === undefined ? '' : ` for persistenceId ${JSON.stringify(persistenceId)}`) +
        ` was called after close(): the store holds no data any more`,
    );
  }
}

/**
 * Per-write rejection: a sequence nr that no writer can produce (not a positive integer, or not
 * ascending inside one AtomicWrite). Nothing of that write was stored.
 */
export class InvalidSequenceNr extends EngramError {
  override readonly name = 'InvalidSequenceNr';

  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number,
    readonly reason: string,
  ) {
    super(`sequence nr ${sequenceNr} of persistenceId ${JSON.stringify(persistenceId)} is invalid: ${reason}`);
  }
}
