import type { Pool, PoolConfig } from 'pg';
import { InvalidArgument } from '@engram/core/spi';

/** The pool the store creates and owns, from a connection string. */
export interface PostgresPoolOptions {
  /** e.g. `postgres://user:password@host:5432/database`. */
  readonly connectionString: string;
  /** Connections in the store's own pool. Default 10. */
  readonly poolSize?: number;
  /**
   * Server-side `statement_timeout` of every statement, in ms: a statement still running then is
   * cancelled and its call fails with `PostgresStoreError` (SQLSTATE 57014). Default 30,000.
   * `0` leaves it to the server (its own setting; none unless the server or role sets one).
   */
  readonly statementTimeoutMs?: number;
  /**
   * Server-side `lock_timeout`, in ms: a statement that waits that long for a lock (a row or
   * table another connection holds) is cancelled and its call fails with `PostgresStoreError`
   * (SQLSTATE 55P03). Default 10,000. `0` leaves it to the server.
   */
  readonly lockTimeoutMs?: number;
  /**
   * Server-side `idle_in_transaction_session_timeout`, in ms: the server closes a connection that
   * sits that long inside a transaction without sending a statement (its process stalled while
   * holding locks). Default 60,000. `0` leaves it to the server.
   */
  readonly idleInTransactionTimeoutMs?: number;
  /**
   * How long to wait for a connection (a new one, or a free one of the pool), in ms. Default
   * 10,000; at least 1 (`pg` would take 0 as waiting forever).
   */
  readonly connectTimeoutMs?: number;
  /**
   * TCP keepalive on the store's connections (default `true`), so a connection whose server or
   * network went away without closing it is noticed instead of waited on.
   */
  readonly keepAlive?: boolean;
  /** Idle time before the first keepalive probe, in ms. Default 10,000; `0` takes the OS's default. */
  readonly keepAliveInitialDelayMs?: number;
}

/**
 * A pool the user owns: the store never ends it and uses it exactly as configured; none of the
 * options of `PostgresPoolOptions` apply to it (the store refuses them next to a pool).
 */
export interface PostgresUserPool {
  /**
   * Give it an `error` listener, as `pg` asks of every pool: an idle connection dropped by the
   * server is reported there. Set timeouts and keepalive on it yourself, e.g.
   * `new pg.Pool({ ..., statement_timeout: 30_000, lock_timeout: 10_000, keepAlive: true })`.
   */
  readonly pool: Pool;
  readonly connectionString?: never;
  readonly poolSize?: never;
  readonly statementTimeoutMs?: never;
  readonly lockTimeoutMs?: never;
  readonly idleInTransactionTimeoutMs?: never;
  readonly connectTimeoutMs?: never;
  readonly keepAlive?: never;
  readonly keepAliveInitialDelayMs?: never;
}

/** Where the store's connections come from: a pool it creates and owns, or the user's pool. */
export type PostgresConnection = PostgresPoolOptions | PostgresUserPool;

export const connectionDefaults = {
  poolSize: 10,
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 10_000,
  idleInTransactionTimeoutMs: 60_000,
  connectTimeoutMs: 10_000,
  keepAlive: true,
  keepAliveInitialDelayMs: 10_000,
} as const;

const poolOptionNames = [
  'connectionString',
  ...(Object.keys(connectionDefaults) as (keyof typeof connectionDefaults)[]),
] as const;

/**
 * The `pg.Pool` settings for a store's own pool, defaults filled in; refuses a value the pool
 * could not use, naming the option.
 */
export function poolConfigFor(options: PostgresPoolOptions): PoolConfig {
  const { connectionString } = options;
  if (typeof connectionString !== 'string' || connectionString === '') {
    throw new InvalidArgument('connectionString', connectionString, 'a non-empty string (or pass your own pool as `pool`)');
  }
  const keepAlive = options.keepAlive ?? connectionDefaults.keepAlive;
  if (typeof keepAlive !== 'boolean') throw new InvalidArgument('keepAlive', keepAlive, 'true or false');
  return {
    connectionString,
    application_name: 'engram',
    max: whole('poolSize', options.poolSize, connectionDefaults.poolSize, 1),
    connectionTimeoutMillis: whole('connectTimeoutMs', options.connectTimeoutMs, connectionDefaults.connectTimeoutMs, 1),
    // pg sends a timeout of 0 not at all, so the server's own setting applies, as documented.
    statement_timeout: whole('statementTimeoutMs', options.statementTimeoutMs, connectionDefaults.statementTimeoutMs, 0),
    lock_timeout: whole('lockTimeoutMs', options.lockTimeoutMs, connectionDefaults.lockTimeoutMs, 0),
    idle_in_transaction_session_timeout: whole(
      'idleInTransactionTimeoutMs',
      options.idleInTransactionTimeoutMs,
      connectionDefaults.idleInTransactionTimeoutMs,
      0,
    ),
    keepAlive,
    keepAliveInitialDelayMillis: whole(
      'keepAliveInitialDelayMs',
      options.keepAliveInitialDelayMs,
      connectionDefaults.keepAliveInitialDelayMs,
      0,
    ),
  };
}

/**
 * Refuses the store's pool options next to a user's pool: the store would ignore them, and a
 * timeout the user believes set but that is not is worse than an error at startup.
 */
export function checkUserPool(connection: PostgresUserPool): void {
  for (const name of poolOptionNames) {
    const value = (connection as unknown as Record<string, unknown>)[name];
    if (value !== undefined) {
      throw new InvalidArgument(
        name,
        value,
        'left out when you pass your own pool: the store uses that pool as configured, so set it there',
      );
    }
  }
}

// PostgreSQL takes whole milliseconds up to 2^31 - 1 for its timeouts.
const largestMs = 2 ** 31 - 1;

function whole(name: string, value: unknown, fallback: number, min: 0 | 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > largestMs) {
    throw new InvalidArgument(name, value, `a whole number from ${min} to ${largestMs}`);
  }
  return value;
}
