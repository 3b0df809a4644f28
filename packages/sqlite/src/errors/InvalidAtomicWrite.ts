import { EngramError } from '@engram/core';

/**
 * Per-write rejection for an AtomicWrite the journal cannot store as given: sequence numbers that
 * are not consecutive positive integers, a timestamp that is not a number, or a payload that is
 * neither text nor bytes. (An empty or mismatched persistenceId gives core's InvalidPersistenceId.)
 * Nothing of the write was stored; the other writes of the same call are unaffected.
 */
export class InvalidAtomicWrite extends EngramError {
  override readonly name = 'InvalidAtomicWrite';

  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number | undefined,
    problem: string,
  ) {
    super(
      `AtomicWrite for persistenceId "${persistenceId}"` +
        `${sequenceNr === undefined ? '' : ` at sequence nr ${sequenceNr}`} was rejected: ${problem}; nothing of it was stored`,
    );
  }
}
