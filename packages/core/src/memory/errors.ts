import { EngramError } from '../errors/index.js';
import { InvalidWrite } from '../spi/index.js';

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
 * @deprecated Use `InvalidWrite` from `@engram/core/spi`, the one malformed-write rejection of
 * every store. This alias is that class: the errors it makes are named `InvalidWrite`.
 */
export const InvalidSequenceNr = InvalidWrite;
/** @deprecated Use `InvalidWrite` from `@engram/core/spi`. */
export type InvalidSequenceNr = InvalidWrite;
