export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

type LogMethod = {
  (fields: Readonly<Record<string, unknown>>, message?: string): void;
  (message: string): void;
};

/**
 * The logging interface, shaped like pino's so that a pino logger (or anything with the same
 * methods) plugs in unchanged. Engram always calls the `(fields, message)` form and binds the
 * actor path with `child({ actor })`, so every line an actor logs names it.
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
  /** Lines below this level are dropped. Default `info`. */
  readonly level?: LogLevel;
  /** Where finished lines go; default process.stderr. */
  readonly write?: (line: string) => void;
}

/** The default logger: one readable line per entry on stderr, bindings first. */
export class ConsoleLogger implements Logger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  private readonly level: LogLevel;
  private readonly write: (line: string) => void;

  constructor(
    options: ConsoleLoggerOptions = {},
    private readonly bindings: Readonly<Record<string, unknown>> = {},
  ) {
    this.level = options.level ?? 'info';
    this.write = options.write ?? ((line) => process.stderr.write(line + '\n'));
    this.debug = this.method('debug');
    this.info = this.method('info');
    this.warn = this.method('warn');
    this.error = this.method('error');
  }

  child(bindings: Readonly<Record<string, unknown>>): Logger {
    return new ConsoleLogger({ level: this.level, write: this.write }, { ...this.bindings, ...bindings });
  }

  private method(level: LogLevel): LogMethod {
    if (rank[level] < rank[this.level]) return () => {};
    return (fieldsOrMessage: Readonly<Record<string, unknown>> | string, message?: string) => {
      const fields = typeof fieldsOrMessage === 'string' ? {} : fieldsOrMessage;
      const text = typeof fieldsOrMessage === 'string' ? fieldsOrMessage : (message ?? '');
      this.write(formatLine(level, { ...this.bindings, ...fields }, text));
    };
  }
}

function formatLine(level: LogLevel, fields: Record<string, unknown>, message: string): string {
  const { actor, err, ...rest } = fields;
  let line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)}`;
  if (actor !== undefined) line += ` [${String(actor)}]`;
  line += ` ${message}`;
  const extra = Object.entries(rest);
  if (extra.length > 0) line += ' ' + extra.map(([k, v]) => `${k}=${formatValue(v)}`).join(' ');
  if (err !== undefined) line += '\n' + formatError(err);
  return line;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function formatError(err: unknown): string {
  if (!(err instanceof Error)) return `  ${String(err)}`;
  let text = err.stack ?? `${err.name}: ${err.message}`;
  let cause = err.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    text += `\nCaused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text.replace(/^/gm, '  ');
}
