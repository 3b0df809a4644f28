export { accountBehavior, accountInfo, applyAccountEvent, handleAccountCommand, operationOf, unopenedAccount, type AccountBehaviorOptions } from './account.js';
export { accountIdOf, accountIdProblem, accountPersistenceId, maxAccountIdLength } from './accountId.js';
export type {
  AccountCommand,
  AccountEvent,
  AccountInfo,
  AccountResult,
  AccountState,
  NotFound,
  OpenAccount,
  OpenResult,
  Operation,
  OperationCommand,
  OperationResult,
  PassivationRequest,
  Unavailable,
  UnopenedAccount,
} from './accountProtocol.js';
export { UnexpectedAccountEvent } from './errors.js';
export { idempotencyKeyProblem, maxIdempotencyKeyLength } from './idempotencyKey.js';
export { amountProblem, maxAmount, maxBalance } from './money.js';
export { countKeys, findKey, keptKeys, keysPerChunk, noKeys, rememberKey, type KeyedOperation, type RecentKeys } from './recentKeys.js';
