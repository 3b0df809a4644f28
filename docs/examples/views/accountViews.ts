import { persistentView, PersistentView, type ActorRef, type SnapshotOffer } from '@engram/core';
import type { AccountEvent } from './bank.js';

export type HistoryQuery = { readonly type: 'history'; readonly replyTo: ActorRef<readonly string[]> };

/** The classic form: one account's statement, built from its events. */
export class AccountHistory extends PersistentView<HistoryQuery, AccountEvent> {
  readonly persistenceId: string;
  readonly viewId: string;
  private lines: string[] = [];

  constructor(id: string) {
    super();
    this.persistenceId = `Account|${id}`;
    this.viewId = `AccountHistory|${id}`; // its snapshots are stored under this id
  }

  receiveEvent(event: AccountEvent): void {
    this.lines.push(`#${this.lastSequenceNr} ${event.type} ${event.amount}`);
    // The snapshot holds the lines and the position read, so a restart reads on from event 3.
    if (this.lastSequenceNr % 3 === 0) this.saveSnapshot(this.lines);
  }

  override receiveSnapshot(offer: SnapshotOffer): void {
    this.lines = [...(offer.snapshot as string[])];
  }

  receiveCommand(query: HistoryQuery): void {
    query.replyTo.tell([...this.lines]);
  }
}

export interface Totals {
  readonly deposited: number;
  readonly withdrawn: number;
}
export type TotalsQuery = { readonly type: 'totals'; readonly replyTo: ActorRef<Totals> };

/** The settings form, following a tag: the totals of every account, in the store's global order. */
export const bankTotals = persistentView<TotalsQuery, AccountEvent, Totals>({
  viewId: 'BankTotals',
  tag: 'account',
  initialState: { deposited: 0, withdrawn: 0 },
  eventHandler: (totals, event) =>
    event.type === 'Deposited' ? { ...totals, deposited: totals.deposited + event.amount } : { ...totals, withdrawn: totals.withdrawn + event.amount },
  commandHandler: (totals, query) => query.replyTo.tell(totals),
  snapshotEvery: 100,
});
