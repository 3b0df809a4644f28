import { EngramError } from '@engram/core';

/**
 * An event that cannot follow the account's state (an operation before the opening, a second
 * opening): the journal of that account was not written by this version. Thrown by the event
 * handler, so the account's recovery fails with it, naming the account and the event.
 */
export class UnexpectedAccountEvent extends EngramError {
  override readonly name = 'UnexpectedAccountEvent';

  constructor(
    readonly id: string,
    readonly eventType: string,
    problem: string,
  ) {
    super(`account ${id} cannot apply ${eventType}: ${problem}`);
  }
}
