export * from './actor/index.js';
export * from './delivery/index.js';
// requireNumber stays inside core: users see the error it throws, not the helper.
export { EngramError, InvalidArgument, isErrorNamed } from './errors/index.js';
export * from './fsm/index.js';
export * from './memory/index.js';
export * from './persistence/index.js';
export * from './projection/index.js';
export * from './query/index.js';
export * from './serialization/index.js';
export * from './spi/index.js';
export * from './view/index.js';
