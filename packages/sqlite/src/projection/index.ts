export { SqliteOffsetStore, type SqliteOffsetStoreOptions } from './SqliteOffsetStore.js';
