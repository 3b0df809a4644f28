import type { AccountInfo, Operation } from '../domain/index.js';

/** The JSON shapes of the API. Times are ISO 8601 strings in UTC; amounts are cents. */
export interface OperationView {
  readonly sequenceNr: number;
  readonly type: Operation['type'];
  readonly amount: number;
  readonly balanceAfter: number;
  readonly at: string;
}

export interface AccountView {
  readonly id: string;
  readonly owner: string | null;
  readonly balance: number;
  readonly operations: number;
  readonly openedAt: string;
}

export function operationView(operation: Operation): OperationView {
  return {
    sequenceNr: operation.sequenceNr,
    type: operation.type,
    amount: operation.amount,
    balanceAfter: operation.balanceAfter,
    at: new Date(operation.at).toISOString(),
  };
}

export function accountView(id: string, account: AccountInfo): AccountView {
  return { id, owner: account.owner, balance: account.balance, operations: account.operations, openedAt: new Date(account.openedAt).toISOString() };
}
