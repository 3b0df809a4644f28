export * from './actor/index.js';
export * from './errors/index.js';
export * from './memory/index.js';
export * from './persistence/index.js';
export * from './serialization/index.js';
export * from './spi/index.js';
