import { Effect, eventSourced, type ActorRef, type Behavior } from '@engram/core';
import { payloadFor } from '../sqlite/workload.js';

/** The benchmark's event: the same 131-byte JSON as the raw baselines store (`payloadFor`). */
export type Deposited = { readonly type: 'Deposited'; readonly account: string; readonly seq: number; readonly amount: number; readonly note: string };

export function depositedEvent(persistenceId: string, seq: number): Deposited {
  return { type: 'Deposited', account: persistenceId, seq, amount: 100, note: noteFor(persistenceId, seq) };
}

/** The padding that makes the event 131 bytes, computed like payloadFor but without its JSON round trip. */
function noteFor(persistenceId: string, seq: number): string {
  const bare = 61 + JSON.stringify(persistenceId).length + String(seq).length;
  return 'x'.repeat(Math.max(0, 131 - bare));
}

/** Checks once that the engine stores exactly what the raw baselines store. */
export function sameAsRawPayload(persistenceId: string, seq: number): boolean {
  return JSON.stringify(depositedEvent(persistenceId, seq)) === payloadFor(persistenceId, seq);
}

export interface Balance {
  readonly balance: number;
  readonly count: number;
}

export const emptyBalance: Balance = { balance: 0, count: 0 };

export function applyDeposit(state: Balance, event: Deposited): Balance {
  return { balance: state.balance + event.amount, count: state.count + 1 };
}

/** An account whose every command persists one Deposited event, then calls `stored`. */
export function benchAccount(persistenceId: string, stored: () => void): Behavior<'deposit'> {
  return eventSourced<'deposit', Deposited, Balance>({
    persistenceId,
    emptyState: emptyBalance,
    commandHandler: (state): Effect<Deposited, Balance> =>
      Effect.persist(depositedEvent(persistenceId, state.count + 1)).thenRun(stored),
    eventHandler: applyDeposit,
  });
}

/** A deposit sent with `ask`: answered with the account's event count once its event is stored. */
export type Deposit = { readonly type: 'deposit'; readonly replyTo: ActorRef<number> };

/** An account whose every command persists one Deposited event and then replies, as an HTTP handler awaits it. */
export function askedAccount(persistenceId: string): Behavior<Deposit> {
  return eventSourced<Deposit, Deposited, Balance>({
    persistenceId,
    emptyState: emptyBalance,
    commandHandler: (state, command): Effect<Deposited, Balance> =>
      Effect.persist(depositedEvent(persistenceId, state.count + 1)).thenReply(command.replyTo, (s) => s.count),
    eventHandler: applyDeposit,
  });
}
