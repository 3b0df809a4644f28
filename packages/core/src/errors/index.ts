export { EngramError, isErrorNamed } from './EngramError.js';
export { InvalidArgument, requireNumber } from './InvalidArgument.js';
