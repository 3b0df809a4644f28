import { PersistenceQuery, type ActorSystem, type ReadJournal } from '@engram/core';
import { accountPersistenceId, operationOf, type AccountEvent, type Operation } from '../domain/index.js';

export type HistoryOrder = 'newest' | 'oldest';

export interface HistoryRequest {
  /** The sequence nr the page starts after, in the page's order (exclusive); from the start when undefined. */
  readonly after: number | undefined;
  readonly limit: number;
  readonly order: HistoryOrder;
}

export interface HistoryPage {
  readonly operations: readonly Operation[];
  /** The `after` of the next page when more follow; undefined on the last page. */
  readonly next: number | undefined;
}

// An account's journal: event 1 is AccountOpened, every later one an operation; none is deleted.
const firstOperation = 2;

/**
 * An account's operations, a page at a time, read from its journal (the read side's
 * `currentEventsByPersistenceId`): the account's actor keeps only its balance, and a page costs
 * one query of at most `limit + 1` events whatever the length of the history.
 */
export class AccountHistory {
  private readonly journal: ReadJournal<AccountEvent>;

  constructor(system: ActorSystem) {
    this.journal = PersistenceQuery.get(system).readJournal<AccountEvent>();
  }

  /** The page of account `id`, whose last event is `lastSequenceNr` (what its actor reported). */
  async page(id: string, lastSequenceNr: number, request: HistoryRequest): Promise<HistoryPage> {
    const { after, limit, order } = request;
    // The sequence nrs are contiguous, so the page's range is known before reading: one event
    // more than the page, to know whether another follows.
    let from: number;
    let to: number;
    if (order === 'oldest') {
      from = Math.max(firstOperation, (after ?? 0) + 1);
      to = Math.min(lastSequenceNr, from + limit);
    } else {
      to = Math.min(lastSequenceNr, (after ?? lastSequenceNr + 1) - 1);
      from = Math.max(firstOperation, to - limit);
    }
    const operations: Operation[] = [];
    if (from <= to) {
      for await (const envelope of this.journal.currentEventsByPersistenceId(accountPersistenceId(id), from, to)) {
        const operation = operationOf(envelope.sequenceNr, envelope.event);
        if (operation !== undefined) operations.push(operation);
      }
    }
    if (order === 'newest') operations.reverse();
    const more = operations.length > limit;
    const shown = more ? operations.slice(0, limit) : operations;
    return { operations: shown, next: more ? shown[shown.length - 1]!.sequenceNr : undefined };
  }
}
