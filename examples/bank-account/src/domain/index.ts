export {
  accountBehavior,
  applyAccountEvent,
  emptyAccount,
  handleAccountCommand,
  type AccountBehaviorOptions,
  type AccountCommand,
  type AccountEvent,
  type AccountState,
  type Operation,
  type OperationResult,
} from './account.js';
export { accountIdOf, accountIdProblem, accountPersistenceId, maxAccountIdLength } from './accountId.js';
export {
  applyDirectoryEvent,
  directoryBehavior,
  directoryPersistenceId,
  emptyDirectory,
  findEntry,
  handleDirectoryCommand,
  type AccountEntry,
  type DirectoryBehaviorOptions,
  type DirectoryCommand,
  type DirectoryEvent,
  type DirectoryState,
  type OpenResult,
} from './directory.js';
export { amountProblem, maxAmount, maxBalance } from './money.js';
