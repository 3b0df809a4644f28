import type { Logger, LogLevel } from '../actor/Logger.js';

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  /** The fields of the call merged over the logger's bindings (e.g. `actor`). */
  readonly fields: Readonly<Record<string, unknown>>;
}

type LogMethod = Logger['info'];

/**
 * A Logger that records entries for assertions ("the failure is logged with the actor's path").
 * Pass `echo` to also print them (handy when debugging a test).
 */
export class LogCapture implements Logger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;

  constructor(
    private readonly sink: LogEntry[] = [],
    private readonly bindings: Readonly<Record<string, unknown>> = {},
    private readonly echo: Logger | undefined = undefined,
  ) {
    this.debug = this.method('debug');
    this.info = this.method('info');
    this.warn = this.method('warn');
    this.error = this.method('error');
  }

  get entries(): readonly LogEntry[] {
    return this.sink;
  }

  /** Entries at `level` (all levels when omitted) whose message contains `text`. */
  find(text: string, level?: LogLevel): LogEntry[] {
    return this.sink.filter((e) => e.message.includes(text) && (level === undefined || e.level === level));
  }

  clear(): void {
    this.sink.length = 0;
  }

  child(bindings: Readonly<Record<string, unknown>>): Logger {
    return new LogCapture(this.sink, { ...this.bindings, ...bindings }, this.echo?.child(bindings));
  }

  private method(level: LogLevel): LogMethod {
    return ((fieldsOrMessage: Readonly<Record<string, unknown>> | string, message?: string) => {
      const fields = typeof fieldsOrMessage === 'string' ? {} : fieldsOrMessage;
      const text = typeof fieldsOrMessage === 'string' ? fieldsOrMessage : (message ?? '');
      this.sink.push({ level, message: text, fields: { ...this.bindings, ...fields } });
      this.echo?.[level](fields, text);
    }) as LogMethod;
  }
}
