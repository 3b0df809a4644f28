import type { TempActorRef } from './TempActorRef.js';

/**
 * What an `ask` waits on besides its reply: the actor behind the target (or the actor a message
 * adapter belongs to). It fails the asks registered with it when it terminates, as Akka's ask
 * watches its target.
 */
export interface AskRecipient {
  /** Registers the ask until it settles, or fails it at once (`'not alive'`) if the recipient is gone. */
  addAsker(ask: TempActorRef<unknown>): void;
  /** Safe to call for an ask that is not (or no longer) registered. */
  removeAsker(ask: TempActorRef<unknown>): void;
}

/** The recipient behind refs to paths where no actor lives. */
export const goneRecipient: AskRecipient = Object.freeze({
  addAsker: (ask: TempActorRef<unknown>) => ask.recipientTerminated('not alive', undefined),
  removeAsker: () => undefined,
});

/**
 * The asks registered with one recipient, linked through their reply refs: adding and removing
 * is O(1) and allocates nothing, however many asks are in flight.
 */
export class AskerList {
  private head: TempActorRef<unknown> | undefined;

  add(ask: TempActorRef<unknown>): void {
    ask.nextAsker = this.head;
    if (this.head !== undefined) this.head.prevAsker = ask;
    this.head = ask;
  }

  remove(ask: TempActorRef<unknown>): void {
    if (ask.prevAsker !== undefined) ask.prevAsker.nextAsker = ask.nextAsker;
    else if (this.head === ask) this.head = ask.nextAsker;
    if (ask.nextAsker !== undefined) ask.nextAsker.prevAsker = ask.prevAsker;
    ask.prevAsker = ask.nextAsker = undefined;
  }

  /** The recipient terminated: fails every registered ask and empties the list. */
  failAll(failure: Error | undefined): void {
    let ask = this.head;
    this.head = undefined;
    while (ask !== undefined) {
      const next = ask.nextAsker;
      ask.prevAsker = ask.nextAsker = undefined;
      ask.recipientTerminated('stopped before reply', failure);
      ask = next;
    }
  }
}
