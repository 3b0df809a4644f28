export { createReadModels } from './createReadModels.js';
export { createStores, type Stores } from './createStores.js';
export type { ReadModels } from './ReadModels.js';
