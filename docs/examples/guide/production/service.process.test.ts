import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const loader = new URL('../../../../tools/ts-loader/register.mjs', import.meta.url).href;
const service = fileURLToPath(new URL('./service.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'engram-guide-service-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  readonly child: ChildProcess;
  readonly logs: Record<string, unknown>[];
  readonly port: number;
  readonly exited: Promise<number | null>;
}

/** Starts service.ts in its own process and waits (up to 30 s) until it listens. */
async function start(path: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', loader, service, path], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let buffered = '';
  let listening: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => (listening = resolve));
  child.stderr!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = JSON.parse(buffered.slice(0, end)) as Record<string, unknown>;
      buffered = buffered.slice(end + 1);
      logs.push(line);
      if (line['msg'] === 'listening') listening(line['port'] as number);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`service.ts did not listen within 30 s: ${JSON.stringify(logs)}`)), 30_000);
  });
  try {
    return { child, logs, exited, port: await Promise.race([port, exited.then(() => deadline), deadline]) };
  } finally {
    clearTimeout(timer);
  }
}

async function deposit(running: Running): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${running.port}/`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
  return response.text();
}

async function stopWith(running: Running, signal: NodeJS.Signals): Promise<number | null> {
  running.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      running.child.kill('SIGKILL');
      reject(new Error(`service.ts did not exit within 30 s of ${signal}`));
    }, 30_000);
  });
  try {
    return await Promise.race([running.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the production checklist (docs/guide/09-production-checklist.md): service.ts', () => {
  it('answers after storing, stops cleanly on SIGTERM and on Ctrl-C, and the next process finds what was stored', async () => {
    const path = join(dir, 'bank.db');
    const first = await start(path);
    expect([await deposit(first), await deposit(first)]).toEqual(['1\n', '2\n']);
    expect(await stopWith(first, 'SIGTERM')).toBe(0);
    expect(first.logs.map((line) => [line['level'], line['msg']]).slice(-2)).toEqual([
      [30, 'stopping'],
      [30, 'stopped'],
    ]);
    expect(first.logs.find((line) => line['msg'] === 'stopping')?.['signal']).toBe('SIGTERM');

    const second = await start(path);
    expect(await deposit(second)).toBe('3\n');
    expect(await stopWith(second, 'SIGINT')).toBe(0);
    expect(second.logs.at(-1)?.['msg']).toBe('stopped');
  });
});
