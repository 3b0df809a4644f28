export { InvalidWrite } from './InvalidWrite.js';
export { PostgresStoreError, type PostgresOperation } from './PostgresStoreError.js';
export { SchemaVersionTooNew } from './SchemaVersionTooNew.js';
