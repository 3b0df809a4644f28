export { InvalidWrite } from '@engram/core/spi';
export { PostgresStoreError, type PostgresOperation } from './PostgresStoreError.js';
export { SchemaVersionTooNew } from './SchemaVersionTooNew.js';
