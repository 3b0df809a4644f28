import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from './ActorSystem.js';
import { Behaviors } from './Behaviors.js';
import { ConsoleLogger, type Logger } from './Logger.js';

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

  it('prints an error with its stack and causes', () => {
    const lines: string[] = [];
    const log = new ConsoleLogger({ write: (line) => lines.push(line) });
    log.error({ err: new Error('outer', { cause: new Error('inner') }) }, 'failed');
    expect(lines[0]).toContain('ERROR failed\n  Error: outer');
    expect(lines[0]).toContain('Caused by: Error: inner');
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
});
