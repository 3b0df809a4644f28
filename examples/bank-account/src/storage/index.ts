export { createStores, type Stores } from './createStores.js';
