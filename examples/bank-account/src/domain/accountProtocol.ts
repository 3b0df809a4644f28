import type { ActorRef } from '@engram/core';
import type { RecentKeys } from './recentKeys.js';

/** One deposit or withdrawal, as the API shows it: what happened, and the balance right after it. */
export interface Operation {
  /** The event's sequence nr in the account's journal (the opening is 1, the first operation 2). */
  readonly sequenceNr: number;
  readonly type: 'deposit' | 'withdrawal';
  readonly amount: number;
  readonly balanceAfter: number;
  /** Epoch milliseconds, taken from the actor system's clock when the command was accepted. */
  readonly at: number;
}

/**
 * An account's events. Deposits and withdrawals carry the balance after them, so that a page of
 * the history read from the journal shows balances without folding every earlier event, and the
 * idempotency key they were applied under, so that the account remembers it after a restart.
 */
export type AccountEvent =
  | { readonly type: 'AccountOpened'; readonly owner: string | null; readonly at: number }
  | {
      readonly type: 'Deposited' | 'Withdrawn';
      readonly amount: number;
      readonly balanceAfter: number;
      readonly at: number;
      readonly idempotencyKey?: string;
    };

/**
 * What the commands need and nothing more: whether the account exists, its balance, and the
 * idempotency keys it remembers (bounded). The history stays in the journal.
 */
export type AccountState = UnopenedAccount | OpenAccount;

/** The state of every id before an `AccountOpened`: the account does not exist. */
export interface UnopenedAccount {
  readonly opened: false;
}

export interface OpenAccount {
  readonly opened: true;
  readonly owner: string | null;
  /** Epoch milliseconds. */
  readonly openedAt: number;
  /** Cents. */
  readonly balance: number;
  /** The sequence nr of the last event: 1 (the opening) plus one per operation. */
  readonly sequenceNr: number;
  readonly recentKeys: RecentKeys;
}

/** What `GET /accounts/:id` shows of an account. */
export interface AccountInfo {
  readonly owner: string | null;
  readonly openedAt: number;
  readonly balance: number;
  /** Deposits and withdrawals applied. */
  readonly operations: number;
  /** The sequence nr of the account's last event: the newest page of the history ends there. */
  readonly sequenceNr: number;
}

/** No account with that id: nothing was stored, and the actor asks to be passivated at once. */
export interface NotFound {
  readonly ok: false;
  readonly reason: 'not_found';
}

/** The account could not answer (its write failed, it is overloaded): the request may be retried. */
export interface Unavailable {
  readonly ok: false;
  readonly reason: 'unavailable';
  readonly message: string;
}

export type OpenResult =
  | { readonly ok: true; readonly account: AccountInfo }
  | { readonly ok: false; readonly reason: 'exists' }
  | Unavailable;

export type AccountResult = { readonly ok: true; readonly account: AccountInfo } | NotFound | Unavailable;

export type OperationResult =
  | {
      readonly ok: true;
      readonly operation: Operation;
      /** The balance right after the operation (for a replayed answer: as it was then). */
      readonly balance: number;
      /** True when the idempotency key was seen before: nothing was applied now. */
      readonly replayed: boolean;
    }
  | { readonly ok: false; readonly reason: 'insufficient_funds' | 'balance_limit'; readonly balance: number; readonly amount: number }
  | { readonly ok: false; readonly reason: 'idempotency_key_reused'; readonly key: string; readonly original: Operation }
  | NotFound
  | Unavailable;

export type AccountCommand =
  | { readonly type: 'Open'; readonly owner: string | null; readonly replyTo: ActorRef<OpenResult> }
  | { readonly type: 'GetAccount'; readonly replyTo: ActorRef<AccountResult> }
  | OperationCommand
  /** From the manager, through the mailbox: every command sent before it is handled first. */
  | { readonly type: 'Passivate' };

export interface OperationCommand {
  readonly type: 'Deposit' | 'Withdraw';
  readonly amount: number;
  readonly idempotencyKey?: string;
  readonly replyTo: ActorRef<OperationResult>;
}

/** An account actor asks its manager to be passivated (it found no account under its id). */
export interface PassivationRequest {
  readonly type: 'PassivationRequested';
  readonly id: string;
  readonly ref: ActorRef<AccountCommand>;
}
