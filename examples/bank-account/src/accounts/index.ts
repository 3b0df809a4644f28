export { Accounts, type AccountsOptions, type LiveAccount, type RecoverySummary } from './Accounts.js';
export { DirectoryRecoveryFailed } from './errors.js';
export { RecoveryWatch, type RecoveryOutcome } from './RecoveryWatch.js';
