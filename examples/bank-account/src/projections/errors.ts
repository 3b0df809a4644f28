import { EngramError } from '@engram/core';

/** A projection name the read side does not have. */
export class UnknownProjection extends EngramError {
  override readonly name = 'UnknownProjection';

  constructor(
    readonly projection: string,
    readonly known: readonly string[],
  ) {
    super(`no projection named ${JSON.stringify(projection)}; there are ${known.join(', ')}`);
  }
}
