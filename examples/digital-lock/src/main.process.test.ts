import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockProcess } from './testing/lockProcess.test-support.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function start(dir: string, env: Readonly<Record<string, string>> = {}): LockProcess {
  const lock = LockProcess.start({ DATA_DIR: dir, SECRET: '4711', ...env });
  cleanups.push(() => lock.kill('SIGKILL'));
  return lock;
}

describe('the lock console as a process (SQLite)', () => {
  it('keeps the digits entered when killed with SIGKILL in the middle of a combination', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engram-digital-lock-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

    const first = start(dir);
    first.type('lock');
    expect(await first.nextLine()).toBe('report: the lock is secure');
    first.type('47');
    // The status answer comes after the digits before it are stored.
    first.type('status');
    expect(await first.nextLine()).toBe('status: Locked (2 digits entered)');
    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const second = start(dir);
    second.type('status');
    expect(await second.nextLine()).toBe('status: Locked (2 digits entered)');
    second.type('11');
    second.type('unlock');
    // The report and the answer come from two actors: in either order.
    expect([await second.nextLine(), await second.nextLine()].sort()).toEqual(['report: the lock opened', 'welcome to the realm']);
    second.type('lock');
    expect(await second.nextLine()).toBe('report: the lock is secure');
    second.type('9');
    second.type('unlock');
    expect([await second.nextLine(), await second.nextLine()].sort()).toEqual(['report: intrusion detected', 'wrong combination']);
    second.type('quit');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  it('refuses a bad SECRET with a message naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engram-digital-lock-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const lock = start(dir, { SECRET: '12a' });
    expect(await lock.exited).toEqual({ code: 1, signal: null });
    expect(lock.stderr).toContain('SECRET must be between 1 and 32 digits, got "12a"');
  });
});
