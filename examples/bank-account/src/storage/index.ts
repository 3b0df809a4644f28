export { createReadModels } from './createReadModels.js';
export { createStores, type Stores } from './createStores.js';
export { LegacyAccountDirectory, StoreUnavailable } from './errors.js';
export { checkStoreAtStart, probeStore } from './probeStore.js';
export type { ReadModels } from './ReadModels.js';
