export { createLogger, logLevels, type LoggerOptions, type LogLevelName } from './createLogger.js';
export { errorChain, stackChain } from './errorChain.js';
