export { PostgresOffsetStore, type PostgresOffsetStoreOptions } from './PostgresOffsetStore.js';
