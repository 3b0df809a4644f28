export { InvalidAtomicWrite } from './InvalidAtomicWrite.js';
export { describeDriverError, SqliteStoreError, type SqliteOperation } from './SqliteStoreError.js';
