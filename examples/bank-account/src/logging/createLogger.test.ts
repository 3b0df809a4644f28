import { EngramError } from '@engram/core';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevelName } from './createLogger.js';

class StoreDown extends EngramError {
  override readonly name = 'StoreDown';
}

function capture(level: LogLevelName) {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line)) };
}

const failure = new StoreDown('the journal write of Account|a at sequence nr 3 failed', new Error('connect ECONNREFUSED 127.0.0.1:5432'));

describe('the logger', () => {
  it('writes one JSON line per entry with the level name, an ISO time, the pid and the fields; below the level nothing', () => {
    const { logger, lines, parsed } = capture('info');
    logger.debug('not shown');
    logger.info({ account: 'alice' }, 'opened');
    logger.child({ actor: 'engram://bank/user/accounts' }).warn('careful');
    expect(lines.every((line) => line.endsWith('\n') && line.indexOf('\n') === line.length - 1)).toBe(true);
    expect(parsed()).toEqual([
      { level: 'info', time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/), pid: process.pid, account: 'alice', msg: 'opened' },
      { level: 'warn', time: expect.any(String), pid: process.pid, actor: 'engram://bank/user/accounts', msg: 'careful' },
    ]);
  });

  it('logs an error as one line with its cause chain, and without stacks above debug', () => {
    const { logger, lines, parsed } = capture('info');
    logger.error({ err: failure }, 'restarting');
    expect(lines).toHaveLength(1);
    expect(parsed()[0].err).toEqual({
      type: 'StoreDown',
      message: 'the journal write of Account|a at sequence nr 3 failed: caused by Error: connect ECONNREFUSED 127.0.0.1:5432',
    });
  });

  it('adds the stacks of the error and its causes at debug', () => {
    const { logger, parsed } = capture('debug');
    logger.error({ err: failure }, 'restarting');
    const { stack } = parsed()[0].err;
    expect(stack).toContain('StoreDown: the journal write of Account|a');
    expect(stack).toContain('Caused by: Error: connect ECONNREFUSED');
    expect(stack).toMatch(/at .*createLogger\.test\.ts/);
  });

  it('does not repeat a cause that the message already quotes', () => {
    const { logger, parsed } = capture('info');
    const inner = new Error('connect ECONNREFUSED 127.0.0.1:1');
    logger.error({ err: new StoreDown(`the store is unreachable: ${inner.message}`, inner) }, 'could not start');
    expect(parsed()[0].err.message).toBe('the store is unreachable: connect ECONNREFUSED 127.0.0.1:1');
  });
});
