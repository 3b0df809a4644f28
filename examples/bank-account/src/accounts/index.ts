export { AccountHistory, type HistoryOrder, type HistoryPage, type HistoryRequest } from './AccountHistory.js';
export { accountManager, type AccountManagerOptions, type ManagerMessage, type ManagerStats } from './AccountManager.js';
export { Accounts, type AccountsOptions } from './Accounts.js';
export { AccountUnavailable } from './errors.js';
