import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppProcess } from './testing/appProcess.test-support.js';
import { request } from './testing/http.test-support.js';
import { tempDataDir } from './testing/testApp.test-support.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function dataDir(): string {
  const data = tempDataDir();
  cleanups.push(data.remove);
  return data.dir;
}

describe('starting the service as a process', () => {
  it('says in one line that an unreachable database stops it from starting, and exits 1', async () => {
    const port = await closedPort();
    const app = AppProcess.start({ DATA_DIR: dataDir(), ENGRAM_POSTGRES_URL: `postgres://bank:secret@127.0.0.1:${port}/test` });
    cleanups.push(() => app.kill('SIGKILL'));
    expect(await app.exited).toEqual({ code: 1, signal: null });

    // starting, port bound, the failure: every line one JSON object, one error, no stack
    expect(app.lines).toHaveLength(3);
    const [starting, , failure] = app.entries;
    expect(starting).toMatchObject({ level: 'info', pid: app.pid, msg: `starting the bank-account service (pid ${app.pid})` });
    expect(app.entries.filter((e) => e['level'] === 'error')).toEqual([failure]);
    expect(failure).toMatchObject({ level: 'error', msg: 'could not start', err: { type: 'StoreUnavailable' } });
    expect(failure!['err'].message).toMatch(new RegExp(`^the store \\(PostgreSQL at 127\\.0\\.0\\.1:${port}/test, schema public\\) is unreachable: .*ECONNREFUSED`));
    expect(app.log).not.toContain('secret');
    expect(app.log).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(existsSync(app.pidFile)).toBe(false);
  });

  it('says in one line which setting is wrong', async () => {
    const app = AppProcess.start({ DATA_DIR: dataDir(), LOG_LEVEL: 'loud' });
    cleanups.push(() => app.kill('SIGKILL'));
    expect(await app.exited).toEqual({ code: 1, signal: null });
    expect(app.entries).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'could not start: invalid configuration',
        err: { type: 'InvalidConfig', message: 'LOG_LEVEL must be one of debug, info, warn, error, got "loud"' },
      }),
    ]);
  });

  it('names its pid in its first line and in the pid file, so that `kill -9 $(cat <pid file>)` reaches the service itself', async () => {
    const dir = dataDir();
    const pidFile = join(dir, 'bank-account.pid');
    const first = AppProcess.start({ DATA_DIR: dir });
    cleanups.push(() => first.kill('SIGKILL'));
    const url = await first.listening();
    expect(first.entries[0]).toMatchObject({ pid: first.pid, msg: `starting the bank-account service (pid ${first.pid})` });
    expect(first.pidFile).not.toBe(pidFile);
    expect(readFileSync(first.pidFile, 'utf8')).toBe(`${first.pid}\n`);
    expect((await request(url, 'POST', '/accounts', { id: 'kill-me' })).status).toBe(201);
    expect((await request(url, 'POST', '/accounts/kill-me/deposits', { amount: 5 })).status).toBe(200);

    process.kill(Number(readFileSync(first.pidFile, 'utf8')), 'SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // a pid file left by the killed process is overwritten
    const second = AppProcess.start({ DATA_DIR: dir, PID_FILE: pidFile });
    cleanups.push(() => second.kill('SIGKILL'));
    const url2 = await second.listening();
    expect(readFileSync(pidFile, 'utf8')).toBe(`${second.pid}\n`);
    expect((await request(url2, 'GET', '/accounts/kill-me')).body).toMatchObject({ balance: 5, operations: 1 });
    second.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(pidFile)).toBe(false);
  });
});
