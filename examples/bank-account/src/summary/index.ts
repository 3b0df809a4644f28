export { summaryPage, type AccountSummary, type AccountSummaryPage, type AccountSummaryQueries } from './AccountSummary.js';
export { ReadModelOutOfStep, UnexpectedEvent } from './errors.js';
export { PostgresAccountSummary } from './PostgresAccountSummary.js';
export { SqliteAccountSummary } from './SqliteAccountSummary.js';
export { summaryChangeOf, type SummaryChange } from './summaryChange.js';
