import { describe, expect, it } from 'vitest';
import { describeStore, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to SQLite at ./data/engram.db under the working directory, port 3000', () => {
    expect(loadConfig({}, '/srv/bank')).toEqual({
      port: 3000,
      host: '127.0.0.1',
      askTimeoutMs: 5000,
      store: { kind: 'sqlite', path: '/srv/bank/data/engram.db' },
    });
  });

  it('takes DATA_DIR (relative or absolute), PORT, HOST and ASK_TIMEOUT_MS', () => {
    expect(loadConfig({ DATA_DIR: 'state', PORT: '0', HOST: '0.0.0.0', ASK_TIMEOUT_MS: '250' }, '/srv/bank')).toEqual({
      port: 0,
      host: '0.0.0.0',
      askTimeoutMs: 250,
      store: { kind: 'sqlite', path: '/srv/bank/state/engram.db' },
    });
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

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer from 0 to 65535, got "abc"'],
    [{ PORT: '70000' }, 'PORT must be an integer from 0 to 65535, got "70000"'],
    [{ PORT: '-1' }, 'PORT must be an integer from 0 to 65535, got "-1"'],
    [{ PORT: '80.5' }, 'PORT must be an integer from 0 to 65535, got "80.5"'],
    [{ ASK_TIMEOUT_MS: '0' }, 'ASK_TIMEOUT_MS must be an integer from 1 to 600000, got "0"'],
    [{ ENGRAM_POSTGRES_URL: 'postgres://x/y', ENGRAM_POSTGRES_SCHEMA: 'Bad-Name' }, 'ENGRAM_POSTGRES_SCHEMA must be lowercase letters'],
    [{ ENGRAM_POSTGRES_SCHEMA: 'bank' }, 'ENGRAM_POSTGRES_SCHEMA must be used together with ENGRAM_POSTGRES_URL'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
