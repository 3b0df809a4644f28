export { Database, inTransaction, type PostgresConnection } from './Database.js';
export { StoreContext, type PostgresStoreOptions } from './StoreContext.js';
export { tablesFor, type Tables } from './Tables.js';
export { typeParsers } from './typeParsers.js';
