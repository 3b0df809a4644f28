import { ask, isErrorNamed, type ActorRef, type ActorSystem, type SupervisorStrategy } from '@engram/core';
import type { AccountCommand, AccountInfo, AccountResult, OpenResult, OperationResult, Unavailable } from '../domain/index.js';
import { AccountHistory, type HistoryPage, type HistoryRequest } from './AccountHistory.js';
import { accountManager, type ManagerMessage, type ManagerStats } from './AccountManager.js';
import { AccountUnavailable } from './errors.js';

export interface AccountsOptions {
  /** How long a request waits for an account's answer. */
  readonly askTimeoutMs: number;
  /** An account actor idle for this long leaves memory; its next command brings it back. */
  readonly idleMs: number;
  /** Supervision of storage failures of every account. */
  readonly onPersistFailure: SupervisorStrategy;
}

/**
 * The accounts of one actor system, as the HTTP routes use them. Every call goes to the account
 * manager, which starts the account's actor when needed; nothing is recovered up front, so
 * starting takes as long with a million accounts as with none. An account that cannot answer
 * rejects with `AccountUnavailable`, naming it.
 */
export class Accounts {
  private readonly history: AccountHistory;

  private constructor(
    private readonly manager: ActorRef<ManagerMessage>,
    private readonly options: AccountsOptions,
    system: ActorSystem,
  ) {
    this.history = new AccountHistory(system);
  }

  static start(system: ActorSystem, options: AccountsOptions): Accounts {
    const manager = system.spawn(accountManager({ idleMs: options.idleMs, onPersistFailure: options.onPersistFailure }), 'accounts');
    return new Accounts(manager, options, system);
  }

  open(id: string, owner: string | null): Promise<Exclude<OpenResult, Unavailable>> {
    return this.send<OpenResult>(id, (replyTo) => ({ type: 'Open', owner, replyTo }));
  }

  get(id: string): Promise<Exclude<AccountResult, Unavailable>> {
    return this.send<AccountResult>(id, (replyTo) => ({ type: 'GetAccount', replyTo }));
  }

  deposit(id: string, amount: number, idempotencyKey?: string): Promise<Exclude<OperationResult, Unavailable>> {
    return this.send<OperationResult>(id, (replyTo) => ({ type: 'Deposit', amount, replyTo, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) }));
  }

  withdraw(id: string, amount: number, idempotencyKey?: string): Promise<Exclude<OperationResult, Unavailable>> {
    return this.send<OperationResult>(id, (replyTo) => ({ type: 'Withdraw', amount, replyTo, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) }));
  }

  /** A page of the account's operations, read from its journal; undefined when there is no such account. */
  async historyPage(id: string, request: HistoryRequest): Promise<{ readonly account: AccountInfo; readonly page: HistoryPage } | undefined> {
    const found = await this.get(id);
    if (!found.ok) return undefined;
    return { account: found.account, page: await this.history.page(id, found.account.sequenceNr, request) };
  }

  /** How many account actors are in memory now. */
  stats(): Promise<ManagerStats> {
    return ask(this.manager, (replyTo: ActorRef<ManagerStats>) => ({ type: 'GetStats', replyTo }), { timeoutMs: this.options.askTimeoutMs });
  }

  private async send<R extends { readonly ok: boolean }>(id: string, command: (replyTo: ActorRef<R>) => AccountCommand): Promise<Exclude<R, Unavailable>> {
    const timeoutMs = this.options.askTimeoutMs;
    let result: R;
    try {
      result = await ask(this.manager, (replyTo: ActorRef<R>) => ({ type: 'Deliver', id, command: command(replyTo) }), { timeoutMs });
    } catch (error) {
      if (isErrorNamed(error, 'AskTimeout')) {
        throw new AccountUnavailable(id, `it did not answer within ${timeoutMs} ms (its store may be failing and the account restarting)`, error);
      }
      // The manager stopped before the account answered: the service is shutting down.
      if (isErrorNamed(error, 'RecipientTerminated')) throw new AccountUnavailable(id, 'the service stopped before the account answered', error);
      throw error;
    }
    if (isUnavailable(result)) throw new AccountUnavailable(id, result.message);
    return result as Exclude<R, Unavailable>;
  }
}

function isUnavailable(result: { readonly ok: boolean }): result is Unavailable {
  return !result.ok && (result as { reason?: unknown }).reason === 'unavailable';
}
