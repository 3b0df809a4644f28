export { InvalidAtomicWrite } from './InvalidAtomicWrite.js';
export { InvalidWrite } from '@engram/core/spi';
export { describeDriverError, SqliteStoreError, type SqliteOperation } from './SqliteStoreError.js';
