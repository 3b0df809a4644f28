import { resolve } from 'node:path';
import { EngramError } from '@engram/core';
import { logLevels, type LogLevelName } from './logging/index.js';
import type { NatsPublisherConfig } from './publisher/NatsEventPublisher.js';
import { subjectPrefixProblem } from './publisher/subjects.js';

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema?: string };

export interface AppConfig {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host: string;
  readonly store: StoreConfig;
  /** How long a request waits for an account's answer before it gets a 503. */
  readonly askTimeoutMs: number;
  /** An account's actor that got no command for this long leaves memory (its next command brings it back). */
  readonly accountIdleMs: number;
  readonly logLevel: LogLevelName;
  /** Where the process writes its pid (for `kill`); removed on a graceful stop. */
  readonly pidFile: string;
  /** Publish every event to NATS JetStream; off when undefined. */
  readonly nats?: NatsPublisherConfig;
}

/** An environment variable with a value the app cannot use; names the variable and the value. */
export class InvalidConfig extends EngramError {
  override readonly name = 'InvalidConfig';

  constructor(
    readonly variable: string,
    readonly value: string,
    requirement: string,
  ) {
    super(`${variable} must be ${requirement}, got ${JSON.stringify(value)}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The app's settings from environment variables:
 *   PORT (default 3000), HOST (default 127.0.0.1), ASK_TIMEOUT_MS (default 5000),
 *   ACCOUNT_IDLE_MS (default 120000), LOG_LEVEL (debug, info, warn or error; default info),
 *   DATA_DIR (default ./data, relative to `cwd`): the SQLite file is DATA_DIR/engram.db;
 *   PID_FILE (default DATA_DIR/bank-account.pid);
 *   ENGRAM_POSTGRES_URL: use PostgreSQL instead of SQLite; ENGRAM_POSTGRES_SCHEMA (default public);
 *   ENGRAM_NATS_URL: publish every event to NATS JetStream, with ENGRAM_NATS_STREAM (default
 *   BANK_EVENTS), ENGRAM_NATS_SUBJECT_PREFIX (default bank.events), ENGRAM_NATS_TIMEOUT_MS
 *   (default 5000) and ENGRAM_NATS_DUPLICATE_WINDOW_MS (default 120000).
 */
export function loadConfig(env: Env, cwd: string = process.cwd()): AppConfig {
  const postgresUrl = nonEmpty(env, 'ENGRAM_POSTGRES_URL');
  const schema = nonEmpty(env, 'ENGRAM_POSTGRES_SCHEMA');
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new InvalidConfig('ENGRAM_POSTGRES_SCHEMA', schema, 'lowercase letters, digits and _, not starting with a digit');
  }
  if (schema !== undefined && postgresUrl === undefined) {
    throw new InvalidConfig('ENGRAM_POSTGRES_SCHEMA', schema, 'used together with ENGRAM_POSTGRES_URL');
  }
  const dataDir = resolve(cwd, nonEmpty(env, 'DATA_DIR') ?? 'data');
  const store: StoreConfig =
    postgresUrl === undefined
      ? { kind: 'sqlite', path: resolve(dataDir, 'engram.db') }
      : { kind: 'postgres', connectionString: postgresUrl, ...(schema === undefined ? {} : { schema }) };
  const nats = natsConfig(env);
  return {
    port: integer(env, 'PORT', 3000, 0, 65_535),
    host: nonEmpty(env, 'HOST') ?? '127.0.0.1',
    store,
    askTimeoutMs: integer(env, 'ASK_TIMEOUT_MS', 5000, 1, 600_000),
    accountIdleMs: integer(env, 'ACCOUNT_IDLE_MS', 120_000, 10, 86_400_000),
    logLevel: logLevel(env),
    pidFile: resolve(cwd, nonEmpty(env, 'PID_FILE') ?? resolve(dataDir, 'bank-account.pid')),
    ...(nats === undefined ? {} : { nats }),
  };
}

const natsVariables = ['ENGRAM_NATS_STREAM', 'ENGRAM_NATS_SUBJECT_PREFIX', 'ENGRAM_NATS_TIMEOUT_MS', 'ENGRAM_NATS_DUPLICATE_WINDOW_MS'];

function natsConfig(env: Env): NatsPublisherConfig | undefined {
  const url = nonEmpty(env, 'ENGRAM_NATS_URL');
  if (url === undefined) {
    const stray = natsVariables.find((name) => nonEmpty(env, name) !== undefined);
    if (stray !== undefined) throw new InvalidConfig(stray, nonEmpty(env, stray)!, 'used together with ENGRAM_NATS_URL');
    return undefined;
  }
  for (const server of url.split(',')) {
    if (!/^(nats|tls):\/\/[^\s/]+\/?$|^[^\s/:]+(:\d+)?$/.test(server.trim())) {
      throw new InvalidConfig('ENGRAM_NATS_URL', url, 'comma-separated server URLs such as nats://127.0.0.1:4222');
    }
  }
  const stream = nonEmpty(env, 'ENGRAM_NATS_STREAM') ?? 'BANK_EVENTS';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(stream)) {
    throw new InvalidConfig('ENGRAM_NATS_STREAM', stream, "1 to 64 letters, digits, '-' and '_'");
  }
  const subjectPrefix = nonEmpty(env, 'ENGRAM_NATS_SUBJECT_PREFIX') ?? 'bank.events';
  const problem = subjectPrefixProblem(subjectPrefix);
  if (problem !== undefined) throw new InvalidConfig('ENGRAM_NATS_SUBJECT_PREFIX', subjectPrefix, problem);
  return {
    url,
    stream,
    subjectPrefix,
    timeoutMs: integer(env, 'ENGRAM_NATS_TIMEOUT_MS', 5000, 1, 600_000),
    duplicateWindowMs: integer(env, 'ENGRAM_NATS_DUPLICATE_WINDOW_MS', 120_000, 1_000, 86_400_000),
  };
}

function logLevel(env: Env): LogLevelName {
  const text = nonEmpty(env, 'LOG_LEVEL');
  if (text === undefined) return 'info';
  const level = logLevels.find((name) => name === text.toLowerCase());
  if (level === undefined) throw new InvalidConfig('LOG_LEVEL', text, `one of ${logLevels.join(', ')}`);
  return level;
}

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = nonEmpty(env, name);
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidConfig(name, text, `an integer from ${min} to ${max}`);
  }
  return value;
}

/** Where the events go, for the start-up log: never the password of a connection string. */
export function describeStore(store: StoreConfig): string {
  if (store.kind === 'sqlite') return `SQLite at ${store.path}`;
  let where: string;
  try {
    const url = new URL(store.connectionString);
    where = `${url.hostname}${url.port === '' ? '' : `:${url.port}`}${url.pathname}`;
  } catch {
    where = '(connection string)';
  }
  return `PostgreSQL at ${where}, schema ${store.schema ?? 'public'}`;
}
