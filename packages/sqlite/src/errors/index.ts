export { InvalidAtomicWrite } from './InvalidAtomicWrite.js';
export { InvalidWrite } from '@engram/core/spi';
export { SqliteFileInUse } from './SqliteFileInUse.js';
export { describeDriverError, SqliteStoreError, type SqliteOperation } from './SqliteStoreError.js';
