import {
  Effect,
  RetentionCriteria,
  SupervisorStrategy,
  eventSourced,
  type ActorContext,
  type ActorRef,
  type Behavior,
  type PersistFailure,
} from '@engram/core';
import type {
  AccountCommand,
  AccountEvent,
  AccountInfo,
  AccountState,
  NotFound,
  OpenAccount,
  Operation,
  OperationCommand,
  OperationResult,
  PassivationRequest,
  Unavailable,
} from './accountProtocol.js';
import { accountPersistenceId } from './accountId.js';
import { UnexpectedAccountEvent } from './errors.js';
import { maxBalance } from './money.js';
import { findKey, noKeys, rememberKey } from './recentKeys.js';

export const unopenedAccount: AccountState = { opened: false };

const notFound: NotFound = { ok: false, reason: 'not_found' };

export function accountInfo(state: OpenAccount): AccountInfo {
  return { owner: state.owner, openedAt: state.openedAt, balance: state.balance, operations: state.sequenceNr - 1, sequenceNr: state.sequenceNr };
}

/** The operation an event of the account's journal records; undefined for the opening. */
export function operationOf(sequenceNr: number, event: AccountEvent): Operation | undefined {
  if (event.type === 'AccountOpened') return undefined;
  return {
    sequenceNr,
    type: event.type === 'Deposited' ? 'deposit' : 'withdrawal',
    amount: event.amount,
    balanceAfter: event.balanceAfter,
    at: event.at,
  };
}

/** The event handler of account `id` (the id only names it in errors). */
export function applyAccountEvent(id: string): (state: AccountState, event: AccountEvent) => AccountState {
  return (state, event) => {
    if (event.type === 'AccountOpened') {
      if (state.opened) throw new UnexpectedAccountEvent(id, event.type, `it was opened already (at sequence nr 1)`);
      return { opened: true, owner: event.owner, openedAt: event.at, balance: 0, sequenceNr: 1, recentKeys: noKeys };
    }
    if (!state.opened) throw new UnexpectedAccountEvent(id, event.type, 'the account was never opened (no AccountOpened before it)');
    const sequenceNr = state.sequenceNr + 1;
    const balance = event.type === 'Deposited' ? state.balance + event.amount : state.balance - event.amount;
    const keyed = event.idempotencyKey;
    return {
      ...state,
      balance,
      sequenceNr,
      recentKeys: keyed === undefined ? state.recentKeys : rememberKey(state.recentKeys, { key: keyed, operation: operationOf(sequenceNr, event)! }),
    };
  };
}

export interface AccountBehaviorOptions {
  /** How a storage failure is survived: the actor stops and comes back after this backoff. */
  readonly onPersistFailure: SupervisorStrategy;
  /** Told when the actor found no account under its id, so that it does not stay in memory. */
  readonly passivation: ActorRef<PassivationRequest>;
}

/** The command handler of account `id`. */
export function handleAccountCommand(id: string, options: Pick<AccountBehaviorOptions, 'passivation'>) {
  return (state: AccountState, command: AccountCommand, ctx: ActorContext<AccountCommand>): Effect<AccountEvent, AccountState> => {
    if (command.type === 'Passivate') return Effect.stop();
    if (!state.opened) {
      if (command.type === 'Open') {
        const event: AccountEvent = { type: 'AccountOpened', owner: command.owner, at: ctx.system.scheduler.now() };
        return Effect.persist<AccountEvent, AccountState>(event)
          .thenReply(command.replyTo, (s) => ({ ok: true, account: accountInfo(s as OpenAccount) }))
          .onFailure(command.replyTo, (error) => notStored('the opening', error));
      }
      // Not found: answer, and ask the manager to stop this actor (through it, so that commands
      // arriving meanwhile are not lost).
      const passivate = (): void => options.passivation.tell({ type: 'PassivationRequested', id, ref: ctx.self });
      const replyTo: ActorRef<NotFound> = command.replyTo;
      return Effect.reply<NotFound, AccountEvent, AccountState>(replyTo, notFound).thenRun(passivate);
    }
    switch (command.type) {
      case 'Open':
        return Effect.reply(command.replyTo, { ok: false, reason: 'exists' });
      case 'GetAccount':
        return Effect.reply(command.replyTo, { ok: true, account: accountInfo(state) });
      case 'Deposit':
      case 'Withdraw':
        return handleOperation(state, command, ctx.system.scheduler.now());
    }
  };
}

function handleOperation(state: OpenAccount, command: OperationCommand, now: number): Effect<AccountEvent, AccountState> {
  const { amount, idempotencyKey, replyTo } = command;
  const type = command.type === 'Deposit' ? 'deposit' : 'withdrawal';
  if (idempotencyKey !== undefined) {
    const seen = findKey(state.recentKeys, idempotencyKey);
    if (seen !== undefined) {
      const same = seen.operation.type === type && seen.operation.amount === amount;
      const reply: OperationResult = same
        ? { ok: true, operation: seen.operation, balance: seen.operation.balanceAfter, replayed: true }
        : { ok: false, reason: 'idempotency_key_reused', key: idempotencyKey, original: seen.operation };
      return Effect.reply(replyTo, reply);
    }
  }
  if (type === 'deposit' && state.balance + amount > maxBalance) {
    return Effect.reply(replyTo, { ok: false, reason: 'balance_limit', balance: state.balance, amount });
  }
  if (type === 'withdrawal' && amount > state.balance) {
    return Effect.reply(replyTo, { ok: false, reason: 'insufficient_funds', balance: state.balance, amount });
  }
  const balanceAfter = type === 'deposit' ? state.balance + amount : state.balance - amount;
  const event: AccountEvent = {
    type: type === 'deposit' ? 'Deposited' : 'Withdrawn',
    amount,
    balanceAfter,
    at: now,
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  };
  const operation = operationOf(state.sequenceNr + 1, event)!;
  return Effect.persist<AccountEvent, AccountState>(event)
    .thenReply(replyTo, () => ({ ok: true, operation, balance: balanceAfter, replayed: false }))
    .onFailure(replyTo, (error) => notStored(`the ${type}`, error));
}

/**
 * The answer to a command whose event was not stored, sent at once rather than leaving the
 * caller to its ask timeout. The store's error itself goes to the log (the actor restarts with
 * it), not to the client.
 */
function notStored(what: string, error: PersistFailure): Unavailable {
  const message =
    error.name === 'EventRejected'
      ? `the store refused ${what}, which was not applied (${error.name})`
      : `its store failed while writing ${what} (${error.name})`;
  return { ok: false, reason: 'unavailable', message };
}

/**
 * One bank account as an event-sourced actor: persistenceId `Account|<id>`, every event tagged
 * `account`. It exists once its `AccountOpened` is stored; before that every command but `Open`
 * is answered "not found".
 */
export function accountBehavior(id: string, options: AccountBehaviorOptions): Behavior<AccountCommand> {
  return eventSourced<AccountCommand, AccountEvent, AccountState>({
    persistenceId: accountPersistenceId(id),
    emptyState: unopenedAccount,
    commandHandler: handleAccountCommand(id, options),
    eventHandler: applyAccountEvent(id),
    tagger: () => ['account'],
    // Recovery reads at most ~100 events per account; the two latest snapshots are kept, and the
    // events are never deleted: the history is read from them.
    retention: RetentionCriteria.snapshotEvery(100, 2),
    onPersistFailure: options.onPersistFailure,
  });
}
