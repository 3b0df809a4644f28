import type { Logger } from '@engram/core';
import { pino, type DestinationStream } from 'pino';
import { errorChain, stackChain } from './errorChain.js';

export const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevelName = (typeof logLevels)[number];

export interface LoggerOptions {
  readonly level: LogLevelName;
  /** Where the JSON lines go; default stderr, written synchronously so that no line is lost on exit. */
  readonly destination?: DestinationStream;
}

/**
 * The service's logger: pino, one JSON object per line (`level` as a name, `time` in ISO 8601,
 * `pid`), which Engram's actors log through as well (pino has the shape of Engram's `Logger`).
 * An error under `err` becomes `{ type, message }` with the whole cause chain in `message`, so
 * that every failure is one line; its stacks are added only at level debug.
 */
export function createLogger(options: LoggerOptions): Logger {
  const withStacks = options.level === 'debug';
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: {
        err: (error: unknown) => ({
          type: error instanceof Error ? error.name : typeof error,
          message: errorChain(error),
          ...(withStacks ? { stack: stackChain(error) } : {}),
        }),
      },
    },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}
