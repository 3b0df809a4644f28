import type { LogLevel } from '../Logger.js';

/** pino's level numbers, so that pino-pretty and log pipelines read the JSON lines as pino's. */
export const pinoLevels: Readonly<Record<LogLevel, number>> = { debug: 20, info: 30, warn: 40, error: 50 };

/** What one entry carries to a formatter. */
export interface LogLine {
  readonly level: LogLevel;
  readonly time: number;
  /** The logger's bindings with the call's fields over them. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly message: string;
  /** Stack traces are printed (the logger logs at debug level). */
  readonly stacks: boolean;
}

// Deeper cause chains are cut: a cycle of causes must not loop, and nobody reads past this.
const MAX_CAUSES = 10;

/**
 * `2026-01-01T00:00:00.000Z ERROR [engram://bank/user/a] message key=value err=Name: message <- caused by: ...`:
 * one line per entry, whatever the messages contain; with `stacks`, the stack of each error of
 * the chain follows on indented lines.
 */
export function formatPrettyLine({ level, time, fields, message, stacks }: LogLine): string {
  const { actor, err, ...rest } = fields;
  let line = `${new Date(time).toISOString()} ${level.toUpperCase().padEnd(5)}`;
  if (actor !== undefined) line += ` [${oneLine(String(actor))}]`;
  line += ` ${oneLine(message)}`;
  for (const [key, value] of Object.entries(rest)) line += ` ${key}=${formatValue(value)}`;
  if (err === undefined) return line;
  line += ` err=${err instanceof Error ? errorChain(err) : formatValue(err)}`;
  if (stacks && err instanceof Error) line += '\n' + causes(err).map((e) => indent(e.stack ?? `${e.name}: ${e.message}`)).join('\n');
  return line;
}

/**
 * One JSON object per line with pino's field names: `level` (pino's number), `time` (epoch ms),
 * the bindings and fields, `msg`. Errors, in `err` or any field, become
 * `{ type, message, stack?, ...their own fields, cause? }` (the stack only with `stacks`).
 */
export function formatJsonLine({ level, time, fields, message, stacks }: LogLine): string {
  const entry: Record<string, unknown> = { level: pinoLevels[level], time, ...fields, msg: message };
  // Fields never displace the entry's own level, time and message.
  entry['level'] = pinoLevels[level];
  entry['time'] = time;
  entry['msg'] = message;
  const replacer = (_key: string, value: unknown) => jsonValue(value, stacks);
  try {
    return JSON.stringify(entry, replacer);
  } catch {
    return JSON.stringify(entry, cycleSafe(replacer));
  }
}

/**
 * `Name: message <- caused by: Name [CODE]: message ...`, on one line. A cause whose message the
 * error before it already quotes (Engram's errors end with their cause's) is named only.
 */
export function errorChain(error: Error): string {
  const chain = causes(error);
  return chain
    .map((e, i) => {
      const quoted = i > 0 && e.message !== '' && chain[i - 1]!.message.includes(e.message);
      return quoted ? label(e) : oneLine(`${label(e)}: ${e.message}`);
    })
    .concat(nonErrorCause(error))
    .join(' <- caused by: ');
}

/** pino's error shape, with the cause chain nested. */
export function serializeError(error: Error, stacks: boolean, depth = 0): Record<string, unknown> {
  const serialized: Record<string, unknown> = { type: error.name, message: error.message };
  if (stacks && error.stack !== undefined) serialized['stack'] = error.stack;
  for (const [key, value] of Object.entries(error)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) serialized[key] = value;
  }
  const cause = error.cause;
  if (cause instanceof Error && depth < MAX_CAUSES) serialized['cause'] = serializeError(cause, stacks, depth + 1);
  else if (cause !== undefined && !(cause instanceof Error)) serialized['cause'] = formatValue(cause);
  return serialized;
}

/** The error's name, with its `code` (ECONNREFUSED, SQLITE_BUSY) when the message does not say it. */
function label(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${error.name} [${code}]` : error.name;
}

/** The error and its causes that are Errors, outermost first. */
function causes(error: Error): Error[] {
  const chain: Error[] = [];
  for (let e: unknown = error; e instanceof Error && chain.length <= MAX_CAUSES && !chain.includes(e); e = e.cause) chain.push(e);
  return chain;
}

function nonErrorCause(error: Error): string[] {
  const last = causes(error).at(-1)!;
  return last.cause === undefined || last.cause instanceof Error ? [] : [formatValue(last.cause)];
}

function jsonValue(value: unknown, stacks: boolean): unknown {
  if (value instanceof Error) return serializeError(value, stacks);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** A second try for values that hold a cycle: an object met again is written as "[Circular]". */
function cycleSafe(replacer: (key: string, value: unknown) => unknown): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (key, value) => {
    const replaced = replacer(key, value);
    if (typeof replaced !== 'object' || replaced === null) return replaced;
    if (seen.has(replaced)) return '[Circular]';
    seen.add(replaced);
    return replaced;
  };
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (value instanceof Error) return errorChain(value);
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}
