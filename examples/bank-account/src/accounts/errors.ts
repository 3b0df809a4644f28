import { EngramError } from '@engram/core';

/** The app could not start: the account directory could not be recovered from the store. */
export class DirectoryRecoveryFailed extends EngramError {
  override readonly name = 'DirectoryRecoveryFailed';

  constructor(
    readonly persistenceId: string,
    cause: Error,
  ) {
    super(`the account directory (persistenceId ${persistenceId}) could not be recovered: ${cause.message}`, cause);
  }
}
