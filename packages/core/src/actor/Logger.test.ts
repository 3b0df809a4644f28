import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgument } from '../errors/index.js';
import { ActorSystem } from './ActorSystem.js';
import { Behaviors } from './Behaviors.js';
import { ConsoleLogger, type Logger } from './Logger.js';

class JournalFailure extends Error {
  override readonly name = 'JournalFailure';
  readonly persistenceId = 'Account|1';
  readonly sequenceNr = 2;
}

/** A failure as the persistence engine logs one: a named error over a driver error with a code. */
function journalFailure(): JournalFailure {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', port: 5432 });
  return new JournalFailure('journal failed to persist event Deposited (sequence nr 2)', { cause: refused });
}

let system: ActorSystem | undefined;
afterEach(() => system?.terminate());

describe('ConsoleLogger', () => {
  it('writes one line per entry with level, actor path, message and fields; drops lines below its level', () => {
    const lines: string[] = [];
    const log = new ConsoleLogger({ level: 'info', write: (line) => lines.push(line) }).child({ actor: 'engram://a/user/b' });
    log.debug('hidden');
    log.info({ balance: 10, note: 'two words' }, 'deposited');
    log.warn('plain');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO  \[engram:\/\/a\/user\/b\] deposited balance=10 note="two words"$/);
    expect(lines[1]).toMatch(/WARN  \[engram:\/\/a\/user\/b\] plain$/);
  });

  it('prints a failure on one line with its cause chain, without the stack, above debug level', () => {
    const lines: string[] = [];
    const log = new ConsoleLogger({ write: (line) => lines.push(line), now: () => Date.UTC(2026, 0, 1) }).child({ actor: 'engram://a/user/b' });
    log.error({ err: journalFailure(), phase: 'Running' }, 'failed; stopping');
    expect(lines).toEqual([
      '2026-01-01T00:00:00.000Z ERROR [engram://a/user/b] failed; stopping phase=Running ' +
        'err=JournalFailure: journal failed to persist event Deposited (sequence nr 2) <- caused by: Error: connect ECONNREFUSED 127.0.0.1:5432',
    ]);
  });

  it('at debug level the stack of each error of the chain follows on indented lines', () => {
    const lines: string[] = [];
    const log = new ConsoleLogger({ level: 'debug', write: (line) => lines.push(line) });
    log.warn({ err: journalFailure() }, 'failed');
    const [first, ...stack] = lines[0]!.split('\n');
    expect(first).toMatch(/WARN  failed err=JournalFailure: .* <- caused by: Error: connect ECONNREFUSED/);
    expect(stack[0]).toBe('    JournalFailure: journal failed to persist event Deposited (sequence nr 2)');
    expect(stack.filter((l) => l.startsWith('    Error: connect ECONNREFUSED'))).toHaveLength(1);
    expect(stack.filter((l) => /^ {8}at /.test(l)).length).toBeGreaterThan(1);
  });

  it("names a cause's code when its message does not, and only names a cause whose message the error quotes", () => {
    const lines: string[] = [];
    const log = new ConsoleLogger({ write: (line) => lines.push(line) });
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    log.error({ err: new Error('SQLite writeMessages failed: database is locked', { cause: busy }) }, 'failed');
    log.error({ err: new Error('could not store', { cause: busy }) }, 'failed');
    expect(lines.map((l) => l.slice(l.indexOf('err=')))).toEqual([
      'err=Error: SQLite writeMessages failed: database is locked <- caused by: Error [SQLITE_BUSY]',
      'err=Error: could not store <- caused by: Error [SQLITE_BUSY]: database is locked',
    ]);
  });

  it('keeps an entry on one line when its message, fields or errors contain newlines, and names a non-Error cause', () => {
    const lines: string[] = [];
    const log = new ConsoleLogger({ write: (line) => lines.push(line) });
    log.error({ sql: 'SELECT\n1', err: new Error('two\nlines', { cause: 'a string' }) }, 'first\nsecond');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(lines[0]).toMatch(/ERROR first\\nsecond sql="SELECT\\n1" err=Error: two\\nlines <- caused by: "a string"$/);
  });
  it('every line an actor logs names its path (default console logger)', async () => {
    const lines: string[] = [];
    system = ActorSystem.create('logs', { logger: new ConsoleLogger({ write: (line) => lines.push(line) }) });
    const ref = system.spawn(Behaviors.receive<string>((ctx, m) => ctx.log.info({ m }, 'got')), 'talker');
    ref.tell('hi');
    await system.whenIdle();
    expect(lines.some((l) => l.includes('[engram://logs/user/talker] got m=hi'))).toBe(true);
  });

  it('a pino-like logger plugs in: Engram calls (fields, message) and child({ actor })', async () => {
    const calls: unknown[][] = [];
    const fake = (bindings: Record<string, unknown>): Logger => {
      const method =
        (level: string) =>
        (...args: unknown[]) =>
          void calls.push([level, bindings, ...args]);
      return {
        debug: method('debug'),
        info: method('info'),
        warn: method('warn'),
        error: method('error'),
        child: (more) => fake({ ...bindings, ...more }),
      };
    };
    system = ActorSystem.create('pino', { logger: fake({ app: 'x' }) });
    const ref = system.spawn(
      Behaviors.receiveMessage<string>(() => {
        throw new Error('kaput');
      }),
      'worker',
    );
    ref.tell('go');
    await system.whenIdle();
    const failure = calls.find((c) => c[0] === 'error');
    expect(failure?.[1]).toEqual({ app: 'x', actor: 'engram://pino/user/worker' });
    expect((failure?.[2] as { err: Error }).err.message).toBe('kaput');
    expect(failure?.[3]).toBe('failed; stopping (not supervised)');
  });

  it("an actor's failure at the default info level is one line naming the actor, the decision and the cause chain", async () => {
    const lines: string[] = [];
    system = ActorSystem.create('quiet', { logger: new ConsoleLogger({ write: (line) => lines.push(line) }) });
    const ref = system.spawn(
      Behaviors.receiveMessage<string>(() => {
        throw journalFailure();
      }),
      'worker',
    );
    ref.tell('go');
    await system.whenIdle();
    const failure = lines.find((l) => l.includes('ERROR'));
    expect(failure).toMatch(
      /ERROR \[engram:\/\/quiet\/user\/worker\] failed; stopping \(not supervised\) err=JournalFailure: .* <- caused by: Error: connect ECONNREFUSED 127.0.0.1:5432$/,
    );
    expect(lines.filter((l) => l.includes('\n'))).toEqual([]);
  });
});

describe('ConsoleLogger, format json', () => {
  const at = Date.UTC(2026, 0, 1);

  function jsonLines(options: { level?: 'debug' | 'info' } = {}) {
    const lines: string[] = [];
    const log = new ConsoleLogger({ ...options, format: 'json', write: (line) => lines.push(line), now: () => at });
    return { log, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  }

  it('writes one JSON object per line with pino\'s names: level number, time in ms, bindings, fields, msg', () => {
    const { log, lines, parsed } = jsonLines({ level: 'debug' });
    const actor = log.child({ actor: 'engram://a/user/b' });
    actor.debug('d');
    actor.info({ balance: 10 }, 'deposited');
    actor.warn('w');
    log.error({}, 'e');
    expect(lines[1]).toBe('{"level":30,"time":1767225600000,"actor":"engram://a/user/b","balance":10,"msg":"deposited"}');
    expect(parsed().map((l) => [l['level'], l['msg']])).toEqual([
      [20, 'd'],
      [30, 'deposited'],
      [40, 'w'],
      [50, 'e'],
    ]);
  });

  it('serializes err as { type, message, its own fields, cause } with the chain nested; the stack only at debug', () => {
    const info = jsonLines();
    info.log.error({ err: journalFailure() }, 'failed');
    expect(info.parsed()[0]).toEqual({
      level: 50,
      time: at,
      msg: 'failed',
      err: {
        type: 'JournalFailure',
        message: 'journal failed to persist event Deposited (sequence nr 2)',
        persistenceId: 'Account|1',
        sequenceNr: 2,
        cause: { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:5432', code: 'ECONNREFUSED', port: 5432 },
      },
    });
    const debug = jsonLines({ level: 'debug' });
    debug.log.error({ err: journalFailure() }, 'failed');
    const err = debug.parsed()[0]!['err'] as { stack: string; cause: { stack: string } };
    expect(err.stack).toMatch(/^JournalFailure: journal failed[^\n]*\n +at /);
    expect(err.cause.stack).toMatch(/^Error: connect ECONNREFUSED/);
    expect(debug.lines[0]).not.toMatch(/\n/);
  });

  it('fields cannot displace level, time or msg; bigints, errors in other fields and cycles are written too', () => {
    const { log, parsed } = jsonLines();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop['self'] = loop;
    log.warn({ level: 'fake', time: 1, msg: 'fake', big: 12n, reason: new Error('why'), loop }, 'real');
    expect(parsed()[0]).toEqual({
      level: 40,
      time: at,
      msg: 'real',
      big: '12',
      reason: { type: 'Error', message: 'why' },
      loop: { name: 'loop', self: '[Circular]' },
    });
  });
});

describe('ConsoleLogger options', () => {
  it('refuses an unknown format or level with InvalidArgument', () => {
    expect(() => new ConsoleLogger({ format: 'xml' as never })).toThrow(InvalidArgument);
    expect(() => new ConsoleLogger({ format: 'xml' as never })).toThrow(`ConsoleLogger format must be 'pretty' or 'json', got "xml"`);
    expect(() => new ConsoleLogger({ level: 'trace' as never })).toThrow(
      `ConsoleLogger level must be 'debug', 'info', 'warn' or 'error', got "trace"`,
    );
  });
});
