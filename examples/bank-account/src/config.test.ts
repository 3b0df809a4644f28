import { describe, expect, it } from 'vitest';
import { describeStore, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to SQLite at ./data/engram.db under the working directory, port 3000', () => {
    expect(loadConfig({}, '/srv/bank')).toEqual({
      port: 3000,
      host: '127.0.0.1',
      askTimeoutMs: 5000,
      accountIdleMs: 120_000,
      logLevel: 'info',
      pidFile: '/srv/bank/data/bank-account.pid',
      store: { kind: 'sqlite', path: '/srv/bank/data/engram.db' },
    });
  });

  it('takes DATA_DIR (relative or absolute), PORT, HOST, ASK_TIMEOUT_MS, ACCOUNT_IDLE_MS, LOG_LEVEL and PID_FILE', () => {
    const env = { DATA_DIR: 'state', PORT: '0', HOST: '0.0.0.0', ASK_TIMEOUT_MS: '250', ACCOUNT_IDLE_MS: '30000', LOG_LEVEL: 'DEBUG' };
    expect(loadConfig(env, '/srv/bank')).toEqual({
      port: 0,
      host: '0.0.0.0',
      askTimeoutMs: 250,
      accountIdleMs: 30_000,
      logLevel: 'debug',
      pidFile: '/srv/bank/state/bank-account.pid',
      store: { kind: 'sqlite', path: '/srv/bank/state/engram.db' },
    });
    expect(loadConfig({ PID_FILE: 'run/bank.pid' }, '/srv/bank').pidFile).toBe('/srv/bank/run/bank.pid');
    expect(loadConfig({ DATA_DIR: '/var/lib/bank' }, '/srv').store).toEqual({ kind: 'sqlite', path: '/var/lib/bank/engram.db' });
  });

  it('switches to PostgreSQL when ENGRAM_POSTGRES_URL is set, with an optional schema', () => {
    const url = 'postgres://bank:secret@db.internal:5433/ledger';
    expect(loadConfig({ ENGRAM_POSTGRES_URL: url }).store).toEqual({ kind: 'postgres', connectionString: url });
    const store = loadConfig({ ENGRAM_POSTGRES_URL: url, ENGRAM_POSTGRES_SCHEMA: 'bank_1' }).store;
    expect(store).toEqual({ kind: 'postgres', connectionString: url, schema: 'bank_1' });
    expect(describeStore(store)).toBe('PostgreSQL at db.internal:5433/ledger, schema bank_1');
    expect(describeStore(store)).not.toContain('secret');
  });

  it('enables the NATS publisher with ENGRAM_NATS_URL, with defaults for the rest', () => {
    expect(loadConfig({}).nats).toBeUndefined();
    expect(loadConfig({ ENGRAM_NATS_URL: 'nats://127.0.0.1:4222' }).nats).toEqual({
      url: 'nats://127.0.0.1:4222',
      stream: 'BANK_EVENTS',
      subjectPrefix: 'bank.events',
      timeoutMs: 5000,
      duplicateWindowMs: 120_000,
    });
    expect(
      loadConfig({
        ENGRAM_NATS_URL: 'nats://a:4222,nats://b:4222',
        ENGRAM_NATS_STREAM: 'LEDGER',
        ENGRAM_NATS_SUBJECT_PREFIX: 'ledger.v1',
        ENGRAM_NATS_TIMEOUT_MS: '250',
        ENGRAM_NATS_DUPLICATE_WINDOW_MS: '600000',
      }).nats,
    ).toEqual({ url: 'nats://a:4222,nats://b:4222', stream: 'LEDGER', subjectPrefix: 'ledger.v1', timeoutMs: 250, duplicateWindowMs: 600_000 });
  });

  it.each([
    [{ ENGRAM_NATS_URL: 'http://x' }, 'ENGRAM_NATS_URL must be comma-separated server URLs such as nats://127.0.0.1:4222, got "http://x"'],
    [{ ENGRAM_NATS_URL: 'nats://x', ENGRAM_NATS_STREAM: 'a.b' }, `ENGRAM_NATS_STREAM must be 1 to 64 letters, digits, '-' and '_', got "a.b"`],
    [{ ENGRAM_NATS_URL: 'nats://x', ENGRAM_NATS_SUBJECT_PREFIX: 'bank.>' }, 'ENGRAM_NATS_SUBJECT_PREFIX must be dot-separated tokens'],
    [{ ENGRAM_NATS_URL: 'nats://x', ENGRAM_NATS_TIMEOUT_MS: '0' }, 'ENGRAM_NATS_TIMEOUT_MS must be an integer from 1 to 600000, got "0"'],
    [{ ENGRAM_NATS_URL: 'nats://x', ENGRAM_NATS_DUPLICATE_WINDOW_MS: '10' }, 'ENGRAM_NATS_DUPLICATE_WINDOW_MS must be an integer from 1000 to 86400000, got "10"'],
    [{ ENGRAM_NATS_STREAM: 'X' }, 'ENGRAM_NATS_STREAM must be used together with ENGRAM_NATS_URL, got "X"'],
  ])('refuses NATS settings %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer from 0 to 65535, got "abc"'],
    [{ PORT: '70000' }, 'PORT must be an integer from 0 to 65535, got "70000"'],
    [{ PORT: '-1' }, 'PORT must be an integer from 0 to 65535, got "-1"'],
    [{ PORT: '80.5' }, 'PORT must be an integer from 0 to 65535, got "80.5"'],
    [{ ASK_TIMEOUT_MS: '0' }, 'ASK_TIMEOUT_MS must be an integer from 1 to 600000, got "0"'],
    [{ ACCOUNT_IDLE_MS: '5' }, 'ACCOUNT_IDLE_MS must be an integer from 10 to 86400000, got "5"'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of debug, info, warn, error, got "verbose"'],
    [{ ENGRAM_POSTGRES_URL: 'postgres://x/y', ENGRAM_POSTGRES_SCHEMA: 'Bad-Name' }, 'ENGRAM_POSTGRES_SCHEMA must be lowercase letters'],
    [{ ENGRAM_POSTGRES_SCHEMA: 'bank' }, 'ENGRAM_POSTGRES_SCHEMA must be used together with ENGRAM_POSTGRES_URL'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
