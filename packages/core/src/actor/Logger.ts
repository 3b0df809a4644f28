import { InvalidArgument } from '../errors/index.js';
import { formatJsonLine, formatPrettyLine } from './internal/formatLogLine.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

type LogMethod = {
  (fields: Readonly<Record<string, unknown>>, message?: string): void;
  (message: string): void;
};

/**
 * The logging interface, shaped like pino's so that a pino logger (or anything with the same
 * methods) plugs in unchanged. Engram always calls the `(fields, message)` form, puts a failure
 * in the `err` field (pino's convention, so pino's error serializer applies) and binds the actor
 * path with `child({ actor })`, so every line an actor logs names it.
 */
export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  child(bindings: Readonly<Record<string, unknown>>): Logger;
}

const rank: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface ConsoleLoggerOptions {
  /** Lines below this level are dropped. Default `info`. At `debug`, errors are printed with their stacks. */
  readonly level?: LogLevel;
  /**
   * `pretty` (default): one readable line per entry, bindings first; an `err` field is shown as
   * its cause chain on that line (`err=JournalFailure: ... <- caused by: Error: connect ECONNREFUSED ...`).
   * `json`: one JSON object per line as pino writes them: `level` as pino's number (debug 20,
   * info 30, warn 40, error 50), `time` in epoch ms, the bindings and fields, `msg`; `err` as
   * `{ type, message, stack?, ...its own fields, cause? }`, the cause chain nested.
   * Either way, stack traces are printed only at level `debug`.
   */
  readonly format?: 'pretty' | 'json';
  /** Where finished lines go; default process.stderr. */
  readonly write?: (line: string) => void;
  /** The time stamped on each line, in epoch ms. Default `Date.now`. */
  readonly now?: () => number;
}

/** The default logger: one line per entry on stderr, readable or JSON (see `format`). */
export class ConsoleLogger implements Logger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  private readonly options: Required<ConsoleLoggerOptions>;

  constructor(
    options: ConsoleLoggerOptions = {},
    private readonly bindings: Readonly<Record<string, unknown>> = {},
  ) {
    const level = options.level ?? 'info';
    if (!Object.hasOwn(rank, level)) throw new InvalidArgument('ConsoleLogger level', level, "'debug', 'info', 'warn' or 'error'");
    const format = options.format ?? 'pretty';
    if (format !== 'pretty' && format !== 'json') throw new InvalidArgument('ConsoleLogger format', format, "'pretty' or 'json'");
    this.options = {
      level,
      format,
      write: options.write ?? ((line) => process.stderr.write(line + '\n')),
      now: options.now ?? Date.now,
    };
    this.debug = this.method('debug');
    this.info = this.method('info');
    this.warn = this.method('warn');
    this.error = this.method('error');
  }

  child(bindings: Readonly<Record<string, unknown>>): Logger {
    return new ConsoleLogger(this.options, { ...this.bindings, ...bindings });
  }

  private method(level: LogLevel): LogMethod {
    const { level: threshold, format, write, now } = this.options;
    if (rank[level] < rank[threshold]) return () => {};
    const formatLine = format === 'json' ? formatJsonLine : formatPrettyLine;
    const stacks = threshold === 'debug';
    return (fieldsOrMessage: Readonly<Record<string, unknown>> | string, message?: string) => {
      const fields = typeof fieldsOrMessage === 'string' ? {} : fieldsOrMessage;
      const text = typeof fieldsOrMessage === 'string' ? fieldsOrMessage : (message ?? '');
      write(formatLine({ level, time: now(), fields: { ...this.bindings, ...fields }, message: text, stacks }));
    };
  }
}
