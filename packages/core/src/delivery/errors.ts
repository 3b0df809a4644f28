import { EngramError } from '../errors/index.js';

/**
 * `deliver` was called while `maxUnconfirmedMessages` deliveries were still unconfirmed. Nothing was
 * recorded or sent; the caller decides (reject the request, wait for confirmations, raise the limit).
 */
export class MaxUnconfirmedMessagesExceeded extends EngramError {
  override readonly name = 'MaxUnconfirmedMessagesExceeded';

  constructor(
    /** The sending actor (its persistenceId, or its path for the eventSourced helper). */
    readonly sender: string,
    readonly maxUnconfirmedMessages: number,
    readonly destination: string,
  ) {
    super(
      `${JSON.stringify(sender)} cannot deliver to ${destination}: ` +
        `${maxUnconfirmedMessages} deliveries are unconfirmed, the most maxUnconfirmedMessages allows`,
    );
  }
}
