import { EngramError, isErrorNamed } from '../errors/index.js';

/**
 * Per-write outcome a journal returns when (persistenceId, sequenceNr) is already taken: another
 * writer is live for the same id. Nothing of that AtomicWrite was stored. Unlike other per-write
 * errors (rejections, after which the actor goes on), the engine treats it as a failure: the actor
 * stops, because its state no longer matches the journal.
 */
export class SequenceConflict extends EngramError {
  override readonly name = 'SequenceConflict';

  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number,
    cause?: unknown,
  ) {
    super(
      `sequence nr ${sequenceNr} of persistenceId "${persistenceId}" is already in the journal: ` +
        `another writer is live for this id; nothing of this write was stored`,
      cause,
    );
  }
}

export function isSequenceConflict(error: unknown): error is SequenceConflict {
  return isErrorNamed(error, 'SequenceConflict');
}

/** Per-write rejection: the serialized event is larger than the store accepts. Nothing was stored. */
export class PayloadTooLarge extends EngramError {
  override readonly name = 'PayloadTooLarge';

  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number,
    readonly sizeBytes: number,
    readonly maxBytes: number,
  ) {
    super(
      `event ${sequenceNr} of persistenceId "${persistenceId}" is ${sizeBytes} bytes serialized; ` +
        `this store accepts at most ${maxBytes} bytes per payload`,
    );
  }
}

/**
 * Per-write rejection: the persistenceId cannot be stored (it is empty, or an event names another
 * id than its AtomicWrite). Nothing of that write was stored; the other writes of the call land.
 */
export class InvalidPersistenceId extends EngramError {
  override readonly name = 'InvalidPersistenceId';

  constructor(
    readonly persistenceId: string,
    readonly reason: string,
  ) {
    super(`persistenceId ${JSON.stringify(persistenceId)} is invalid: ${reason}`);
  }
}

/**
 * Per-write rejection: the AtomicWrite cannot be stored as given (a sequence nr that is not a
 * positive integer or does not follow the one before it, a field the store cannot keep exactly,
 * ...). Nothing of it was stored; the other writes of the call land. The one such error of every
 * store: a store says what was wrong in `reason`, never with a class of its own.
 */
export class InvalidWrite extends EngramError {
  override readonly name = 'InvalidWrite';

  constructor(
    readonly persistenceId: string,
    /** The event that was wrong, or undefined when the problem is the write as a whole. */
    readonly sequenceNr: number | undefined,
    readonly reason: string,
  ) {
    super(
      `cannot store ${sequenceNr === undefined ? 'write' : `event ${sequenceNr}`} of persistenceId ` +
        `${JSON.stringify(persistenceId)}: ${reason}; nothing of this write was stored`,
    );
  }
}

/**
 * A projection's offset write found another offset than the one it expected: a second instance
 * of the projection advanced it. Nothing of that write (or its transaction) was stored.
 */
export class OffsetConflict extends EngramError {
  override readonly name = 'OffsetConflict';

  constructor(
    readonly projection: string,
    readonly expected: string | undefined,
    readonly found: string | undefined,
  ) {
    super(
      `projection ${projection}: expected its stored offset to be ${expected ?? 'none'} but found ${found ?? 'none'}; ` +
        `another instance of the projection is running, or its offset was changed; nothing of this write was stored`,
    );
  }
}
