import {
  Effect,
  RetentionCriteria,
  SupervisorStrategy,
  eventSourced,
  type ActorContext,
  type ActorRef,
  type Behavior,
} from '@engram/core';
import { accountPersistenceId } from './accountId.js';
import { maxBalance } from './money.js';

/** One entry of an account's history: what happened, and the balance right after it. */
export interface Operation {
  /** The event's sequence nr in the account's journal (1, 2, 3, ...). */
  readonly sequenceNr: number;
  readonly type: 'deposit' | 'withdrawal';
  readonly amount: number;
  readonly balanceAfter: number;
  /** Epoch milliseconds, taken from the actor system's clock when the command was accepted. */
  readonly at: number;
}

export type AccountEvent =
  | { readonly type: 'Deposited'; readonly amount: number; readonly at: number }
  | { readonly type: 'Withdrawn'; readonly amount: number; readonly at: number };

/**
 * The whole history is part of the state, so a read needs no journal query. That suits an example
 * (and accounts with thousands of operations); a service with very long histories would read them
 * from the journal's query side instead and keep only the balance here.
 */
export interface AccountState {
  readonly balance: number;
  readonly history: readonly Operation[];
}

export type OperationResult =
  | { readonly ok: true; readonly operation: Operation; readonly balance: number }
  | {
      readonly ok: false;
      readonly reason: 'insufficient_funds' | 'balance_limit';
      readonly balance: number;
      readonly amount: number;
    };

export type AccountCommand =
  | { readonly type: 'Deposit'; readonly amount: number; readonly replyTo: ActorRef<OperationResult> }
  | { readonly type: 'Withdraw'; readonly amount: number; readonly replyTo: ActorRef<OperationResult> }
  | { readonly type: 'GetAccount'; readonly replyTo: ActorRef<AccountState> };

export const emptyAccount: AccountState = { balance: 0, history: [] };

/** The history entry an event adds to `state`. */
function operationOf(state: AccountState, event: AccountEvent): Operation {
  return {
    // Every event of an account is one operation, so the history's length is the sequence nr.
    sequenceNr: state.history.length + 1,
    type: event.type === 'Deposited' ? 'deposit' : 'withdrawal',
    amount: event.amount,
    balanceAfter: event.type === 'Deposited' ? state.balance + event.amount : state.balance - event.amount,
    at: event.at,
  };
}

export function applyAccountEvent(state: AccountState, event: AccountEvent): AccountState {
  const operation = operationOf(state, event);
  return { balance: operation.balanceAfter, history: [...state.history, operation] };
}

/** Persists `event` and replies with the operation it became. */
function persistOperation(
  state: AccountState,
  event: AccountEvent,
  replyTo: ActorRef<OperationResult>,
): Effect<AccountEvent, AccountState> {
  const operation = operationOf(state, event);
  return Effect.persist(event).thenReply(replyTo, (s) => ({ ok: true, operation, balance: s.balance }));
}

export function handleAccountCommand(
  state: AccountState,
  command: AccountCommand,
  ctx: ActorContext<AccountCommand>,
): Effect<AccountEvent, AccountState> {
  switch (command.type) {
    case 'GetAccount':
      return Effect.reply(command.replyTo, state);
    case 'Deposit': {
      if (state.balance + command.amount > maxBalance) {
        return Effect.reply(command.replyTo, { ok: false, reason: 'balance_limit', balance: state.balance, amount: command.amount });
      }
      return persistOperation(state, { type: 'Deposited', amount: command.amount, at: ctx.system.scheduler.now() }, command.replyTo);
    }
    case 'Withdraw': {
      if (command.amount > state.balance) {
        return Effect.reply(command.replyTo, {
          ok: false,
          reason: 'insufficient_funds',
          balance: state.balance,
          amount: command.amount,
        });
      }
      return persistOperation(state, { type: 'Withdrawn', amount: command.amount, at: ctx.system.scheduler.now() }, command.replyTo);
    }
  }
}

export interface AccountBehaviorOptions {
  /** How a storage failure is survived: the actor stops and comes back after this backoff. */
  readonly onPersistFailure: SupervisorStrategy;
}

/** One bank account as an event-sourced actor: persistenceId `Account|<id>`, tagged `account`. */
export function accountBehavior(id: string, options: AccountBehaviorOptions): Behavior<AccountCommand> {
  return eventSourced<AccountCommand, AccountEvent, AccountState>({
    persistenceId: accountPersistenceId(id),
    emptyState: emptyAccount,
    commandHandler: handleAccountCommand,
    eventHandler: applyAccountEvent,
    tagger: () => ['account'],
    // Recovery reads at most ~100 events per account; the two latest snapshots are kept.
    retention: RetentionCriteria.snapshotEvery(100, 2),
    onPersistFailure: options.onPersistFailure,
  });
}
